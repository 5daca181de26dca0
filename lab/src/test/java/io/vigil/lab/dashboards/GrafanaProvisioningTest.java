package io.vigil.lab.dashboards;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/ provisions what the dashboards need, in Grafana's provisioning format: a
 * Prometheus data source with a fixed uid (what the wall's kiosk URL names), and a file provider
 * for the dashboards' folder. The dashboards name no data source of their own
 * ({@link DashboardLint}'s no-fixed-datasource-rule); the uid here is for URLs and users.
 */
class GrafanaProvisioningTest {
    private static final Path PROVISIONING = Path.of("..", "deploy", "grafana", "provisioning");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theDataSourceIsPrometheusWithAFixedUidAndTheScrapeIntervalRateIntervalsAreComputedFrom() throws Exception {
        JsonNode file =
                YAML.readTree(PROVISIONING.resolve("datasources/vigil.yaml").toFile());
        assertEquals(1, file.path("apiVersion").asInt());
        assertEquals(1, file.path("datasources").size(), file.toString());
        JsonNode source = file.path("datasources").get(0);
        assertEquals("prometheus", source.path("type").asText());
        assertEquals("vigil-prometheus", source.path("uid").asText());
        assertEquals("proxy", source.path("access").asText());
        assertTrue(source.path("url").asText().startsWith("http"), source.toString());
        assertTrue(source.path("jsonData").path("timeInterval").asText().matches("\\d+[sm]"), source.toString());
    }

    @Test
    void theDashboardsComeFromOneFolderIntoAVigilFolderAndAreEditedInTheRepositoryNotTheUi() throws Exception {
        JsonNode file =
                YAML.readTree(PROVISIONING.resolve("dashboards/vigil.yaml").toFile());
        assertEquals(1, file.path("apiVersion").asInt());
        assertEquals(1, file.path("providers").size(), file.toString());
        JsonNode provider = file.path("providers").get(0);
        assertEquals("file", provider.path("type").asText());
        assertEquals("Vigil", provider.path("folder").asText());
        assertTrue(provider.path("options").path("path").asText().startsWith("/"), provider.toString());
        assertEquals(false, provider.path("allowUiUpdates").asBoolean(true));
    }
}
