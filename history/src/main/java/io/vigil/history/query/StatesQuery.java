package io.vigil.history.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The timeline of a resource's DRBD state changes in a range, oldest first. When the range holds
 * more than the limit, the newest changes are kept (the ones leading to now) and the answer says
 * it was cut.
 */
public final class StatesQuery {
    private final HistoryDatabase db;

    public StatesQuery(HistoryDatabase db) {
        this.db = db;
    }

    public Rows<StateChange> answer(Optional<String> cluster, String resource, TimeRange range, RowLimit limit)
            throws SQLException {
        cluster.ifPresent(c -> QueryRefused.name("cluster", c));
        QueryRefused.name("resource", resource);
        Filters filters = new Filters().equal("cluster", cluster);
        String sql =
                "SELECT ts_ms, cluster, node, resource, volume, peer, role, disk, connection, replication, peer_disk, peer_role"
                        + " FROM drbd_state_changes WHERE resource = ?" + filters.sql()
                        + " AND ts_ms >= ? AND ts_ms < ?"
                        + " ORDER BY ts_ms DESC, node DESC, volume DESC, peer DESC, seq DESC LIMIT ?";
        List<StateChange> rows = new ArrayList<>();
        try (Connection c = db.connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, resource);
            int i = filters.bind(s, 2);
            s.setLong(i++, range.fromMs());
            s.setLong(i++, range.toMs());
            s.setInt(i, limit.rows() + 1);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(new StateChange(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getInt(5),
                            rs.getString(6),
                            rs.getString(7),
                            Columns.optionalString(rs, 8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11),
                            rs.getString(12)));
                }
            }
        }
        Rows<StateChange> newest = Columns.limited(rows, limit);
        List<StateChange> inOrder = new ArrayList<>(newest.rows());
        Collections.reverse(inOrder);
        return new Rows<>(inOrder, newest.truncated(), newest.limit());
    }
}
