package io.vigil.history.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The alert changes sent in a range, newest first, of a cluster, alert name, severity or state when named. */
public final class AlertsQuery {
    /** What an alert change can be asked for by; each names a column of alert_changes. */
    public record Filter(
            Optional<String> cluster, Optional<String> alertname, Optional<String> severity, Optional<String> state) {
        public static final Filter ALL =
                new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        public Filter {
            cluster.ifPresent(v -> QueryRefused.name("cluster", v));
            alertname.ifPresent(v -> QueryRefused.name("alertname", v));
            severity.ifPresent(v -> QueryRefused.name("severity", v));
            state.ifPresent(v -> QueryRefused.name("state", v));
        }
    }

    private final HistoryDatabase db;

    public AlertsQuery(HistoryDatabase db) {
        this.db = db;
    }

    public Rows<RecordedAlertChange> answer(Filter filter, TimeRange range, RowLimit limit) throws SQLException {
        Filters filters = new Filters()
                .equal("cluster", filter.cluster())
                .equal("alertname", filter.alertname())
                .equal("severity", filter.severity())
                .equal("state", filter.state());
        String sql =
                "SELECT sent_ms, cluster, fingerprint, alertname, severity, state, version, change, labels_json, active_ms,"
                        + " fired_ms, resolved_ms FROM alert_changes WHERE sent_ms >= ? AND sent_ms < ?" + filters.sql()
                        + " ORDER BY sent_ms DESC, fingerprint, version DESC LIMIT ?";
        List<RecordedAlertChange> rows = new ArrayList<>();
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setLong(1, range.fromMs());
            s.setLong(2, range.toMs());
            int i = filters.bind(s, 3);
            s.setInt(i, limit.rows() + 1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new RecordedAlertChange(
                            rs.getLong(1),
                            Columns.optionalString(rs, 2),
                            rs.getString(3),
                            rs.getString(4),
                            Columns.optionalString(rs, 5),
                            rs.getString(6),
                            rs.getLong(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getLong(10),
                            Columns.optionalLong(rs, 11),
                            Columns.optionalLong(rs, 12)));
                }
            }
        }
        return Columns.limited(rows, limit);
    }
}
