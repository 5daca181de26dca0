package io.vigil.lab.prom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prometheus.yml both users of {@link PrometheusProcess} write: the page bench's (the agents
 * as deploy/prometheus/prometheus.yml scrapes them, rules, an Alertmanager) and the dashboards'
 * test's (plain jobs every second), each as Prometheus's own promtool accepts it.
 */
class PrometheusConfigTest {
    private static final PrometheusConfig.RuleFile RULES =
            new PrometheusConfig.RuleFile("vigil-alerts.yml", "groups: []\n");

    @Test
    void thePageBenchsConfigKeepsTheAgentsLabelsAndSendsItsRulesToAlertmanager(@TempDir Path dir) throws Exception {
        PrometheusConfig config = PrometheusConfig.scraping(
                        List.of(new PrometheusConfig.ScrapeJob(
                                "vigil-agent",
                                true,
                                List.of(
                                        new PrometheusConfig.Target(
                                                "127.0.0.1:9101", Map.of("node", "node-a", "cluster", "pair-1")),
                                        new PrometheusConfig.Target(
                                                "127.0.0.1:9102", Map.of("node", "node-b", "cluster", "pair-1"))))),
                        new PrometheusConfig.Intervals(Optional.of(Duration.ofSeconds(1)), Optional.empty()))
                .alerting(RULES, URI.create("http://127.0.0.1:9093"));
        assertEquals("""
                global:
                  scrape_interval: 1s
                rule_files: [vigil-alerts.yml]
                alerting:
                  alertmanagers:
                    - static_configs:
                        - targets: ["127.0.0.1:9093"]
                scrape_configs:
                  - job_name: vigil-agent
                    honor_labels: true
                    static_configs:
                      - targets: ["127.0.0.1:9101"]
                        labels: {cluster: "pair-1", node: "node-a"}
                      - targets: ["127.0.0.1:9102"]
                        labels: {cluster: "pair-1", node: "node-b"}
                """, config.yaml());
        assertEquals("", promtoolCheck(dir, config));
    }

    @Test
    void theDashboardsConfigScrapesPlainJobsAtOneInterval(@TempDir Path dir) throws Exception {
        PrometheusConfig config = PrometheusConfig.scraping(
                List.of(
                        new PrometheusConfig.ScrapeJob(
                                "vigil-agent", false, List.of(PrometheusConfig.Target.at("127.0.0.1:9101"))),
                        new PrometheusConfig.ScrapeJob(
                                "vigil-engine", false, List.of(PrometheusConfig.Target.at("127.0.0.1:9200")))),
                PrometheusConfig.Intervals.every(Duration.ofSeconds(1)));
        assertEquals("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: vigil-agent
                    static_configs:
                      - targets: ["127.0.0.1:9101"]
                  - job_name: vigil-engine
                    static_configs:
                      - targets: ["127.0.0.1:9200"]
                """, config.yaml());
        assertEquals("", promtoolCheck(dir, config));
    }

    /** promtool's complaint about the config written into DIR, or "" when it passes. */
    private static String promtoolCheck(Path dir, PrometheusConfig config) throws Exception {
        Files.writeString(dir.resolve("prometheus.yml"), config.yaml(), StandardCharsets.UTF_8);
        if (config.rules().isPresent()) {
            Files.writeString(
                    dir.resolve(config.rules().get().name()),
                    config.rules().get().text(),
                    StandardCharsets.UTF_8);
        }
        Process promtool = new ProcessBuilder("promtool", "check", "config", "prometheus.yml")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return promtool.waitFor() == 0 ? "" : output;
    }
}
