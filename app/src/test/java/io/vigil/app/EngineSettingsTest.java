package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.history.HistoryConfig;
import io.vigil.service.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {
    @Test
    void historyIsOnByDefaultInAFileOfTheStateDirectory() throws ConfigException {
        EngineSettings s = EngineSettings.parse("engine.yaml", """
                kafka: {bootstrap.servers: k:9092}
                rules: [r]
                state_dir: /var/lib/vigil/engine
                """, Path.of("/etc/vigil"), Map.of());
        assertEquals(HistoryConfig.inStateDir(Path.of("/var/lib/vigil/engine")), s.history());
    }

    @Test
    void aPostgresHistoryTakesItsPasswordFromTheEnvironmentAndItsRetentionFromTheSection() throws ConfigException {
        EngineSettings s = EngineSettings.parse(
                "engine.yaml", """
                kafka: {bootstrap.servers: k:9092}
                rules: [r]
                history:
                  jdbc_url: jdbc:postgresql://10.0.0.9:5432/vigil
                  user: vigil
                  password_env: VIGIL_HISTORY_PASSWORD
                  retention: {raw: 7d, minute: 30d, hourly: 365d}
                """, Path.of("/etc/vigil"), Map.of("VIGIL_HISTORY_PASSWORD", "s3cret"));
        assertEquals(
                new HistoryConfig.Store.Jdbc(
                        "jdbc:postgresql://10.0.0.9:5432/vigil", Optional.of("vigil"), Optional.of("s3cret")),
                s.history().store());
        assertEquals(
                new HistoryConfig.Retention(Duration.ofDays(7), Duration.ofDays(30), Duration.ofDays(365)),
                s.history().retention());
        assertTrue(!s.history().store().toString().contains("s3cret"), "the password is never printed");
    }

    @Test
    void aPasswordWrittenInTheConfigAndAnUnknownKeyAreRefusedWithTheEngineSProblemsAtOnce() {
        ConfigException e = assertThrows(
                ConfigException.class, () -> EngineSettings.parse("engine.yaml", """
                kafka: {bootstrap.servers: k:9092}
                rules: [r]
                limits: {alerts_per_cluster: 0}
                history:
                  jdbc_url: jdbc:postgresql://10.0.0.9:5432/vigil
                  password: s3cret
                  retension: {raw: 7d}
                """, Path.of("/etc/vigil"), Map.of()));
        String m = e.getMessage();
        for (String expected : List.of(
                "engine.yaml:3: limits.alerts_per_cluster",
                "engine.yaml:6: history.password: a password is not written",
                "engine.yaml:7: history.retension: unknown key (did you mean 'retention'?)")) {
            assertTrue(m.lines().anyMatch(l -> l.startsWith(expected)), () -> "missing: " + expected + "\nin:\n" + m);
        }
        assertTrue(!m.contains("s3cret"), m);
    }
}
