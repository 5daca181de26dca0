package io.vigil.history;

import io.vigil.history.HistoryConfig.Retention;
import io.vigil.history.HistoryConfig.Store;
import io.vigil.service.config.ConfigSection;
import io.vigil.service.config.YamlTree.Scalar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code history:} section of engine.yaml, problems recorded with their line as every
 * other section's:
 * <pre>
 * history:
 *   enabled: true                  # default
 *   file: history.duckdb           # default, under state_dir
 *   jdbc_url: jdbc:postgresql://10.0.0.9:5432/vigil   # instead of the file
 *   user: vigil
 *   password_file: /etc/vigil/history-password        # or password_env: VAR
 *   consumer_group: vigil-history
 *   retention: {raw: 14d, minute: 90d, hourly: 730d}
 * </pre>
 */
public final class HistoryConfigReader {
    private HistoryConfigReader() {}

    /** {@code dir} anchors relative secret paths; {@code stateDir} the DuckDB file. */
    public static HistoryConfig read(ConfigSection s, Path dir, Path stateDir, Map<String, String> env) {
        boolean enabled = s.bool("enabled", true);
        Path file = s.optional(
                "file",
                stateDir.resolve(HistoryConfig.DEFAULT_FILE),
                t -> stateDir.resolve(t).normalize());
        Optional<String> url = s.read("jdbc_url", t -> t);
        Optional<String> user = s.read("user", t -> t);
        Optional<String> password = password(s, dir, env);
        String group = s.optional("consumer_group", HistoryConfig.DEFAULT_GROUP, ConfigSection.NAME);
        Retention retention = retention(s.section("retention"));
        Store store = new Store.DuckDbFile(file);
        if (url.isPresent()) {
            if (s.entry("file").isPresent()) {
                s.problem(s.lineOf("file"), s.path("file"), "give file (DuckDB) or jdbc_url (PostgreSQL), not both");
            }
            try {
                store = new Store.Jdbc(url.get(), user, password);
            } catch (IllegalArgumentException e) {
                s.problem(
                        s.lineOf("jdbc_url"), s.path("jdbc_url"), e.getMessage().substring("jdbc_url: ".length()));
            }
        } else if (user.isPresent() || password.isPresent()) {
            s.problem(
                    s.lineOf("user"),
                    s.path("jdbc_url"),
                    "user and password are for a PostgreSQL history: give its jdbc_url too");
        }
        s.rejectUnknownKeys();
        return new HistoryConfig(enabled, store, retention, group);
    }

    private static Retention retention(ConfigSection s) {
        Retention d = Retention.DEFAULTS;
        Duration raw = s.positiveDuration("raw", d.raw());
        Duration minute = s.positiveDuration("minute", d.minute());
        Duration hourly = s.positiveDuration("hourly", d.hourly());
        s.rejectUnknownKeys();
        return new Retention(raw, minute, hourly);
    }

    /** {@code password_file} or {@code password_env}; a password written in the config is refused. */
    private static Optional<String> password(ConfigSection s, Path dir, Map<String, String> env) {
        s.entry("password")
                .ifPresent(
                        e -> s.problem(
                                e.keyLine(),
                                s.path("password"),
                                "a password is not written in the config"
                                        + " (it ends up in backups, diffs and tickets): put it in a file (password_file: PATH) or the environment (password_env: VAR)"));
        Optional<Scalar> file = s.scalar("password_file");
        Optional<Scalar> var = s.scalar("password_env");
        if (file.isPresent() && var.isPresent()) {
            s.problem(file.get().line(), s.path("password_file"), "give password_file or password_env, not both");
            return Optional.empty();
        }
        if (file.isPresent()) {
            Path path = dir.resolve(file.get().text()).normalize();
            try {
                String value = Files.readString(path, StandardCharsets.UTF_8).strip();
                if (value.isEmpty()) {
                    s.problem(file.get().line(), s.path("password_file"), path + " is empty");
                    return Optional.empty();
                }
                return Optional.of(value);
            } catch (IOException e) {
                s.problem(
                        file.get().line(),
                        s.path("password_file"),
                        path + " cannot be read (" + e.getClass().getSimpleName()
                                + "); it should hold only the password, readable by the engine's user");
                return Optional.empty();
            }
        }
        if (var.isPresent()) {
            String value = env.get(var.get().text());
            if (value == null || value.isBlank()) {
                s.problem(
                        var.get().line(),
                        s.path("password_env"),
                        "the environment variable " + var.get().text() + " is not set");
                return Optional.empty();
            }
            return Optional.of(value);
        }
        return Optional.empty();
    }
}
