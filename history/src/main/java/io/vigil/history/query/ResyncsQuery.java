package io.vigil.history.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The resync episodes that overlap a range (of a cluster, of a resource, when named), newest first. */
public final class ResyncsQuery {
    private final HistoryDatabase db;
    private final Clock clock;

    public ResyncsQuery(HistoryDatabase db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public Rows<ResyncEpisode> answer(
            Optional<String> cluster, Optional<String> resource, TimeRange range, RowLimit limit) throws SQLException {
        cluster.ifPresent(c -> QueryRefused.name("cluster", c));
        resource.ifPresent(r -> QueryRefused.name("resource", r));
        Filters filters = new Filters().equal("cluster", cluster).equal("resource", resource);
        String sql =
                "SELECT episode_id, cluster, resource, volume, source_node, target_node, observed_by, started_ms, ended_ms,"
                        + " start_out_of_sync_bytes, bytes, mean_rate_bytes_per_second, peak_rate_bytes_per_second, cause, outcome"
                        + " FROM resync_episodes WHERE started_ms < ? AND (ended_ms IS NULL OR ended_ms >= ?)"
                        + filters.sql()
                        + " ORDER BY started_ms DESC, episode_id LIMIT ?";
        long now = clock.millis();
        List<ResyncEpisode> rows = new ArrayList<>();
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, range.toMs());
            s.setLong(2, range.fromMs());
            int i = filters.bind(s, 3);
            s.setInt(i, limit.rows() + 1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long started = rs.getLong(8);
                    Optional<Long> ended = Columns.optionalLong(rs, 9);
                    rows.add(new ResyncEpisode(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getInt(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            started,
                            ended,
                            Math.max(0, ended.orElse(now) - started),
                            Columns.optionalLong(rs, 10),
                            Columns.optionalLong(rs, 11),
                            Columns.optionalDouble(rs, 12),
                            Columns.optionalDouble(rs, 13),
                            rs.getString(14),
                            rs.getString(15)));
                }
            }
        }
        return Columns.limited(rows, limit);
    }
}
