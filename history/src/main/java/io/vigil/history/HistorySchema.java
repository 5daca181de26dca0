package io.vigil.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The history's tables, one definition for DuckDB and PostgreSQL alike (both read these types).
 *
 * <p>Times are epoch milliseconds in UTC ({@code *_ms}): one representation that both databases
 * store, compare and bucket the same way, with no session time zone to get wrong. A column that
 * may be NULL is one whose fact the source may not report: NULL is unknown, never 0.
 */
public final class HistorySchema {
    /** Raised when the tables change shape; a store refuses a file written by a newer Vigil. */
    public static final int VERSION = 1;

    static final List<String> TABLES = List.of(
            """
            CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)""",
            // one row per node's report of one volume towards one peer: the raw figures
            """
            CREATE TABLE IF NOT EXISTS replication_samples (
              cluster VARCHAR NOT NULL, node VARCHAR NOT NULL, seq BIGINT NOT NULL, ts_ms BIGINT NOT NULL,
              resource VARCHAR NOT NULL, volume INTEGER NOT NULL, peer VARCHAR NOT NULL,
              role VARCHAR NOT NULL, disk VARCHAR, connection VARCHAR NOT NULL, replication VARCHAR NOT NULL,
              peer_disk VARCHAR NOT NULL,
              out_of_sync_bytes BIGINT,
              lagging BOOLEAN NOT NULL,
              round_trip_seconds FLOAT8, oldest_request_seconds FLOAT8,
              resync_rate_bytes_per_second FLOAT8, resync_eta_seconds FLOAT8, resync_done_percent FLOAT8)""",
            // a row only where a volume's states towards a peer changed: the timeline
            """
            CREATE TABLE IF NOT EXISTS drbd_state_changes (
              cluster VARCHAR NOT NULL, node VARCHAR NOT NULL, seq BIGINT NOT NULL, ts_ms BIGINT NOT NULL,
              resource VARCHAR NOT NULL, volume INTEGER NOT NULL, peer VARCHAR NOT NULL,
              role VARCHAR NOT NULL, disk VARCHAR, connection VARCHAR NOT NULL, replication VARCHAR NOT NULL,
              peer_disk VARCHAR NOT NULL, peer_role VARCHAR NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS resync_episodes (
              episode_id VARCHAR PRIMARY KEY, cluster VARCHAR NOT NULL, resource VARCHAR NOT NULL,
              volume INTEGER NOT NULL, source_node VARCHAR NOT NULL, target_node VARCHAR NOT NULL,
              observed_by VARCHAR NOT NULL, started_ms BIGINT NOT NULL, ended_ms BIGINT,
              start_out_of_sync_bytes BIGINT, bytes BIGINT, mean_rate_bytes_per_second FLOAT8,
              peak_rate_bytes_per_second FLOAT8, cause VARCHAR NOT NULL, outcome VARCHAR NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS alert_changes (
              cluster VARCHAR, fingerprint VARCHAR NOT NULL, alertname VARCHAR NOT NULL, severity VARCHAR,
              state VARCHAR NOT NULL, version BIGINT NOT NULL, change VARCHAR NOT NULL, labels_json VARCHAR NOT NULL,
              active_ms BIGINT NOT NULL, fired_ms BIGINT, resolved_ms BIGINT, sent_ms BIGINT NOT NULL)""",
            """
            CREATE TABLE IF NOT EXISTS failover_audit (
              cluster VARCHAR NOT NULL, saga_id VARCHAR NOT NULL, resource VARCHAR NOT NULL, at_ms BIGINT NOT NULL,
              kind VARCHAR NOT NULL, phase VARCHAR NOT NULL, text VARCHAR NOT NULL, action_id VARCHAR)""",
            // per figure and bucket: count, min, max, sum and quantiles, so a rollup answers what the raw rows did
            """
            CREATE TABLE IF NOT EXISTS replication_rollups (
              resolution_seconds INTEGER NOT NULL, bucket_ms BIGINT NOT NULL,
              cluster VARCHAR NOT NULL, node VARCHAR NOT NULL, resource VARCHAR NOT NULL, volume INTEGER NOT NULL,
              peer VARCHAR NOT NULL, figure VARCHAR NOT NULL,
              count BIGINT NOT NULL, min FLOAT8, max FLOAT8, sum FLOAT8, p50 FLOAT8, p95 FLOAT8, p99 FLOAT8)""",
            // up to where each resolution's buckets are rolled up (the next bucket to roll up)
            """
            CREATE TABLE IF NOT EXISTS rollup_marks (
              resolution_seconds INTEGER PRIMARY KEY, next_bucket_ms BIGINT NOT NULL)""",
            // what has been stored, so that a replay of Kafka neither loses nor doubles a row
            """
            CREATE TABLE IF NOT EXISTS ingest_marks (
              cluster VARCHAR NOT NULL, node VARCHAR NOT NULL, last_seq BIGINT NOT NULL, PRIMARY KEY (cluster, node))""",
            """
            CREATE TABLE IF NOT EXISTS ingest_offsets (
              topic VARCHAR NOT NULL, kafka_partition INTEGER NOT NULL, next_offset BIGINT NOT NULL,
              PRIMARY KEY (topic, kafka_partition))""",
            "CREATE INDEX IF NOT EXISTS alert_changes_by_time ON alert_changes (sent_ms)");

    /**
     * A resource's rows over a range: PostgreSQL answers from these B-trees. DuckDB's planner never
     * uses an ART index for such a filter (EXPLAIN shows a sequential scan pruned by the zone maps
     * on ts_ms, which the rows arrive in the order of), and keeping one up to date cost an eighth of
     * the CPU per row stored and more of each commit's wall time: a DuckDB history keeps none, and
     * a file an earlier build wrote loses them at open. The tables' shape is unchanged, so the
     * schema's version stays: an earlier build opening the file again makes them again.
     */
    private static final List<String> RANGE_INDEXES = List.of(
            "replication_samples_by_resource ON replication_samples (cluster, resource, ts_ms)",
            "drbd_state_changes_by_resource ON drbd_state_changes (cluster, resource, ts_ms)");

    private HistorySchema() {}

    /** Creates what is missing; refuses a history written by a newer schema rather than misreading it. */
    public static void create(Connection db, SqlDialect dialect) throws SQLException {
        try (Statement s = db.createStatement()) {
            for (String ddl : TABLES) {
                s.execute(ddl);
            }
            for (String index : RANGE_INDEXES) {
                s.execute(
                        switch (dialect) {
                            case POSTGRESQL -> "CREATE INDEX IF NOT EXISTS " + index;
                            case DUCKDB -> "DROP INDEX IF EXISTS " + index.substring(0, index.indexOf(' '));
                        });
            }
            try (var rs = s.executeQuery("SELECT max(version) FROM schema_version")) {
                rs.next();
                int found = rs.getInt(1);
                if (rs.wasNull()) {
                    s.execute("INSERT INTO schema_version VALUES (" + VERSION + ")");
                } else if (found > VERSION) {
                    throw new SQLException("the history was written by a newer Vigil (schema " + found
                            + ", this build reads " + VERSION + "): upgrade Vigil, or point it at another history");
                }
            }
        }
    }
}
