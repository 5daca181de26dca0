package io.vigil.history;

import io.vigil.history.PeerVolume.DrbdStates;
import io.vigil.history.PeerVolume.VolumeKey;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The newest stored states of each volume towards each peer, so that a {@code drbd_state_changes}
 * row is written only where they change. Loaded from the table at open: a restarted sink writes
 * no duplicate of the state it last stored.
 */
final class DrbdStateTimeline {
    private final Map<VolumeKey, DrbdStates> last = new HashMap<>();

    void load(Connection db) throws SQLException {
        last.clear();
        try (var s = db.createStatement();
                ResultSet rs = s.executeQuery("""
                     SELECT cluster, node, resource, volume, peer, role, disk, connection, replication, peer_disk, peer_role
                     FROM (SELECT *, row_number() OVER (PARTITION BY cluster, node, resource, volume, peer
                                                        ORDER BY seq DESC) AS newest
                           FROM drbd_state_changes) AS t
                     WHERE newest = 1""")) {
            while (rs.next()) {
                last.put(
                        new VolumeKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5)),
                        ReplicationRows.states(
                                rs.getString(6),
                                rs.getString(7),
                                rs.getString(8),
                                rs.getString(9),
                                rs.getString(10),
                                rs.getString(11)));
            }
        }
    }

    Optional<DrbdStates> last(VolumeKey key) {
        return Optional.ofNullable(last.get(key));
    }

    /** Records the volume's states; true when they differ from the last ones (or are the first). */
    boolean changed(PeerVolume v) {
        DrbdStates now = v.states();
        return !now.equals(last.put(v.key(), now));
    }
}
