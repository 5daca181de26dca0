package io.vigil.history;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code history:} section: whether the engine keeps history, where (a DuckDB file, or a
 * PostgreSQL database when a JDBC URL is given), how long each resolution is kept, and the Kafka
 * consumer group the sink reads with.
 */
public record HistoryConfig(boolean enabled, Store store, Retention retention, String consumerGroup) {
    public static final String DEFAULT_GROUP = "vigil-history";
    public static final String DEFAULT_FILE = "history.duckdb";

    public HistoryConfig {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(consumerGroup, "consumerGroup");
    }

    /** History on, in {@code stateDir}/history.duckdb, with the default retention. */
    public static HistoryConfig inStateDir(Path stateDir) {
        return new HistoryConfig(
                true, new Store.DuckDbFile(stateDir.resolve(DEFAULT_FILE)), Retention.DEFAULTS, DEFAULT_GROUP);
    }

    /** Where the rows go. */
    public sealed interface Store permits Store.DuckDbFile, Store.Jdbc {
        /** What an operator reads in a log line or an error: the file, or the URL (never the password). */
        String describe();

        /** An embedded DuckDB file: one writer, this process. */
        record DuckDbFile(Path file) implements Store {
            public DuckDbFile {
                Objects.requireNonNull(file, "file");
            }

            @Override
            public String describe() {
                return file.toString();
            }
        }

        /**
         * A PostgreSQL server. The password comes from a file or the environment, never the
         * config or the command line; {@link #toString()} leaves it out.
         */
        record Jdbc(String url, Optional<String> user, Optional<String> password) implements Store {
            public Jdbc {
                if (url == null || !url.startsWith("jdbc:postgresql:")) {
                    throw new IllegalArgumentException(
                            "jdbc_url: expected jdbc:postgresql://HOST:PORT/DATABASE, not '" + url + "'");
                }
                user = Objects.requireNonNullElse(user, Optional.empty());
                password = Objects.requireNonNullElse(password, Optional.empty());
            }

            @Override
            public String describe() {
                return url;
            }

            @Override
            public String toString() {
                return "Jdbc[url=" + url + ", user=" + user.orElse("(default)") + ", password="
                        + (password.isPresent() ? "(set)" : "(none)") + "]";
            }
        }
    }

    /**
     * How long each resolution is kept: raw samples, one-minute and hourly rollups. The state
     * timeline, resync episodes, alerts and the failover audit are few rows and kept as long as
     * the hourly rollups.
     */
    public record Retention(Duration raw, Duration minute, Duration hourly) {
        public static final Retention DEFAULTS =
                new Retention(Duration.ofDays(14), Duration.ofDays(90), Duration.ofDays(730));

        public Retention {
            for (Duration d : new Duration[] {raw, minute, hourly}) {
                if (d == null || d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("retention: every duration must be longer than 0");
                }
            }
        }
    }
}
