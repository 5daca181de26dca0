package io.vigil.history;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.Envelope;
import io.vigil.history.PeerVolume.VolumeKey;
import io.vigil.history.ResyncEpisode.EpisodeKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Decides what started a resync from what the sink saw before it, in this order:
 * <ol>
 *   <li>disk replaced: the target's disk was seen Failed, Diskless, Detaching or Attaching since it
 *       was last UpToDate (so the Inconsistent disk that resyncs is a new one);</li>
 *   <li>host back: a node of the pair came back from a silence longer than {@code silence}
 *       (no record of any kind from it) within {@code recent} before the resync began;</li>
 *   <li>link restored: either node's connection to the other was down before;</li>
 *   <li>unknown otherwise (a resync asked for by hand, a verify's findings).</li>
 * </ol>
 * What it remembers is rebuilt from the traffic after a restart, so a resync that starts right
 * after a sink restart may be told as unknown.
 */
final class ResyncCauses {
    private static final Set<DiskState> LOST =
            EnumSet.of(DiskState.FAILED, DiskState.DISKLESS, DiskState.DETACHING, DiskState.ATTACHING);

    private final long silenceMs;
    private final long recentMs;
    private final Map<NodeKey, Long> lastHeardMs = new HashMap<>();
    private final Map<NodeKey, Long> backMs = new HashMap<>();
    private final Set<DiskKey> disksLost = new HashSet<>();

    ResyncCauses(Duration silence, Duration recent) {
        this.silenceMs = silence.toMillis();
        this.recentMs = recent.toMillis();
    }

    ResyncCause cause(PeerVolume v, EpisodeKey episode, DrbdStateTimeline timeline) {
        if (disksLost.contains(new DiskKey(v.cluster(), episode.target(), v.resource(), v.volume()))) {
            return ResyncCause.DISK_REPLACED;
        }
        if (cameBack(new NodeKey(v.cluster(), v.node()), v.tsMs())
                || cameBack(new NodeKey(v.cluster(), v.peer()), v.tsMs())) {
            return ResyncCause.HOST_BACK;
        }
        boolean wasDown = timeline.last(v.key())
                        .map(s -> s.connection() != ConnectionState.CONNECTED)
                        .orElse(false)
                || timeline.last(new VolumeKey(v.cluster(), v.peer(), v.resource(), v.volume(), v.node()))
                        .map(s -> s.connection() != ConnectionState.CONNECTED)
                        .orElse(false);
        return wasDown ? ResyncCause.LINK_RESTORED : ResyncCause.UNKNOWN;
    }

    private boolean cameBack(NodeKey node, long atMs) {
        Long back = backMs.get(node);
        return back != null && atMs - back <= recentMs;
    }

    /** Called for each volume after its episode was decided: what its disks were. */
    void observe(PeerVolume v) {
        v.disk().ifPresent(d -> remember(new DiskKey(v.cluster(), v.node(), v.resource(), v.volume()), d));
        if (v.connection() == ConnectionState.CONNECTED) {
            remember(new DiskKey(v.cluster(), v.peer(), v.resource(), v.volume()), v.peerDisk());
        }
    }

    private void remember(DiskKey disk, DiskState state) {
        if (LOST.contains(state)) {
            disksLost.add(disk);
        } else if (state == DiskState.UP_TO_DATE) {
            disksLost.remove(disk);
        }
    }

    /** Called once per envelope, after its volumes: the node was heard. */
    void heard(Envelope e) {
        NodeKey node = new NodeKey(e.cluster(), e.node());
        long ts = e.ts().toEpochMilli();
        Long previous = lastHeardMs.put(node, ts);
        if (previous != null && ts - previous > silenceMs) {
            backMs.put(node, ts);
        }
    }

    private record DiskKey(String cluster, String node, String resource, int volume) {}
}
