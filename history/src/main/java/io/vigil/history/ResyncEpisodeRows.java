package io.vigil.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** An episode as a row of {@code resync_episodes}, written and read back (the running ones, at open). */
final class ResyncEpisodeRows {
    static final String UPSERT = """
            INSERT INTO resync_episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (episode_id) DO UPDATE SET ended_ms = EXCLUDED.ended_ms,
              start_out_of_sync_bytes = EXCLUDED.start_out_of_sync_bytes, bytes = EXCLUDED.bytes,
              mean_rate_bytes_per_second = EXCLUDED.mean_rate_bytes_per_second,
              peak_rate_bytes_per_second = EXCLUDED.peak_rate_bytes_per_second, outcome = EXCLUDED.outcome""";

    /** What moves in a stored episode, by its id: the UPSERT's update, first tried on its own. */
    static final String UPDATE = """
            UPDATE resync_episodes SET ended_ms = ?, start_out_of_sync_bytes = ?, bytes = ?, mean_rate_bytes_per_second = ?,
              peak_rate_bytes_per_second = ?, outcome = ? WHERE episode_id = ?""";

    private ResyncEpisodeRows() {}

    static void bindUpdate(PreparedStatement s, ResyncEpisode e) throws SQLException {
        setLong(s, 1, e.endedMs().map(OptionalLong::of).orElse(OptionalLong.empty()));
        setLong(s, 2, e.startOutOfSyncBytes());
        setLong(s, 3, e.bytes());
        setDouble(s, 4, e.meanRate());
        setDouble(s, 5, e.peakRate());
        s.setString(6, e.outcome().word());
        s.setString(7, e.id());
    }

    static void bind(PreparedStatement s, ResyncEpisode e) throws SQLException {
        s.setString(1, e.id());
        s.setString(2, e.cluster());
        s.setString(3, e.resource());
        s.setInt(4, e.volume());
        s.setString(5, e.source());
        s.setString(6, e.target());
        s.setString(7, e.observedBy());
        s.setLong(8, e.startedMs());
        setLong(s, 9, e.endedMs().map(OptionalLong::of).orElse(OptionalLong.empty()));
        setLong(s, 10, e.startOutOfSyncBytes());
        setLong(s, 11, e.bytes());
        setDouble(s, 12, e.meanRate());
        setDouble(s, 13, e.peakRate());
        s.setString(14, e.cause().word());
        s.setString(15, e.outcome().word());
    }

    /**
     * The episodes still running, as they were last stored: a sink restarted mid-resync goes on
     * with them. The newest report's time is taken as the newest stored one (the start, or the
     * time the mean rate and bytes imply).
     */
    static List<ResyncEpisode> running(Connection db) throws SQLException {
        List<ResyncEpisode> running = new ArrayList<>();
        try (var s = db.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT cluster, resource, volume, source_node, target_node, observed_by, started_ms,"
                                + " start_out_of_sync_bytes, bytes, mean_rate_bytes_per_second, peak_rate_bytes_per_second, cause"
                                + " FROM resync_episodes WHERE outcome = 'running'")) {
            while (rs.next()) {
                long started = rs.getLong(7);
                OptionalLong start = optionalLong(rs, 8);
                OptionalLong bytes = optionalLong(rs, 9);
                OptionalDouble mean = optionalDouble(rs, 10);
                long last = started;
                if (bytes.isPresent() && mean.isPresent() && mean.getAsDouble() > 0) {
                    last = started + Math.round(bytes.getAsLong() * 1000.0 / mean.getAsDouble());
                }
                OptionalLong lastOos = start.isPresent() && bytes.isPresent()
                        ? OptionalLong.of(start.getAsLong() - bytes.getAsLong())
                        : OptionalLong.empty();
                running.add(new ResyncEpisode(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getInt(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        started,
                        last,
                        start,
                        lastOos,
                        mean.orElse(0),
                        mean.isPresent() ? 1 : 0,
                        optionalDouble(rs, 11),
                        ResyncCause.of(rs.getString(12)),
                        ResyncOutcome.RUNNING));
            }
        }
        return running;
    }

    private static OptionalLong optionalLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
    }

    private static OptionalDouble optionalDouble(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    private static void setLong(PreparedStatement s, int i, OptionalLong v) throws SQLException {
        if (v.isPresent()) {
            s.setLong(i, v.getAsLong());
        } else {
            s.setNull(i, Types.BIGINT);
        }
    }

    private static void setDouble(PreparedStatement s, int i, OptionalDouble v) throws SQLException {
        if (v.isPresent()) {
            s.setDouble(i, v.getAsDouble());
        } else {
            s.setNull(i, Types.DOUBLE);
        }
    }
}
