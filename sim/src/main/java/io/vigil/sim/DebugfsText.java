package io.vigil.sim;

import io.vigil.events.ConnectionState;
import io.vigil.events.DrbdRole;
import java.time.Duration;
import java.util.Optional;

/**
 * DRBD 9's debugfs as the agent reads it: {@code /sys/kernel/debug/drbd/resources/RES/connections/PEER/oldest_requests},
 * in the layout of drbd_debugfs.c (connection_oldest_requests_show): {@code v: 0}, a blank line,
 * then the requests in flight towards that peer, one a line, tab-separated: minor, volume, epoch,
 * sector, size in sectors, R/W, age in ms, then the request's state flags. Called under the pair's lock.
 * <p>
 * The lab's model: requests are in flight only where this host is Primary with VMs writing and
 * connected to the peer. They are acknowledged within a round trip (an age of 1 to 3 ms), except
 * while this host is the source of a resync: the resync then takes the whole link (the lab copies at
 * its full simulated rate) and the VMs' writes queue behind it (DRBD's default on-congestion block),
 * so the oldest request ages from the resync's start, up to the 42 s after which DRBD would give up
 * on the peer (ko-count 7 times timeout 6 s). The lab's hosts lose their connection at once when the
 * peer freezes or the cable is cut, so there is no window in which a request waits for a dead peer.
 */
final class DebugfsText {
    static final String RESOURCES = "/sys/kernel/debug/drbd/resources/";
    static final Duration GIVE_UP = Duration.ofSeconds(42);

    private DebugfsText() {}

    /** The file at {@code path}, or empty when this host's debugfs has no such file. */
    static Optional<String> read(SimulatedHost host, String path) {
        if (!path.startsWith(RESOURCES)) {
            return Optional.empty();
        }
        String[] parts = path.substring(RESOURCES.length()).split("/", -1);
        if (parts.length != 4 || !parts[1].equals("connections") || !parts[3].equals("oldest_requests")) {
            return Optional.empty();
        }
        SimResource r = host.resources.get(parts[0]);
        SimulatedHost peer = host.pair.peerOf(host);
        if (r == null || !parts[2].equals(peer.name())) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("v: 0\n\n");
        boolean writing = host.vms.values().stream().anyMatch(vm -> vm.running() && vm.resource.equals(r.name));
        if (r.role == DrbdRole.PRIMARY && writing && r.connection == ConnectionState.CONNECTED) {
            long ageMs = ageMs(host, host.pair.links.get(r.name));
            text.append(r.minor)
                    .append("\t0\t0x2a\t2048\t8\tW\t")
                    .append(ageMs)
                    .append("\t0x00000021\tmaster: pending\tlocal: in-AL completed ok\tnet[")
                    .append(peer.nodeId)
                    .append("]: sent : C\n");
        }
        return Optional.of(text.toString());
    }

    private static long ageMs(SimulatedHost host, ReplicationLink link) {
        if (link.syncSource.equals(Optional.of(host.name()))) {
            Duration queued = Duration.between(link.resyncStartedAt, host.pair.nowUnlocked());
            return Math.max(1, Math.min(GIVE_UP.toMillis(), queued.toMillis()));
        }
        return 1 + Math.floorMod(host.pair.nowUnlocked().getEpochSecond(), 3);
    }
}
