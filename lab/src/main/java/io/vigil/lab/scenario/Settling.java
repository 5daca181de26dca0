package io.vigil.lab.scenario;

import io.vigil.service.topology.ClusterTopology;
import io.vigil.sim.SimulatedHost;
import io.vigil.sim.SimulatedPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Whether a live story has settled after its last step, so that what is judged at its end can no
 * longer change: the pair's ground truth (each host up or not, each resource's role, disk and
 * two-primaries setting, each VM's state and memory, its boots) and the story's timeline (actions,
 * audit entries, alert changes, pages, violations) unchanged for {@link #QUIET}, and, as the player
 * tells it, every agent heard since the last step, no change waiting for its audit entry and no
 * saga acting or deciding. Until then the story goes on, up to its end. An alert may still be
 * pending then, as at a story's end: VmNotRunning waits a minute on the host a VM left, and fires
 * inhibited by the failover that holds the VM elsewhere.
 */
final class Settling {
    /** Longer than any gap between two steps of a saga, and than the agents' slowest probe cycle (10 s). */
    static final Duration QUIET = Duration.ofSeconds(12);

    private final SimulatedPair pair;
    private final ClusterTopology cluster;
    private String picture = "";
    private Instant changedAt = Instant.MIN;

    Settling(SimulatedPair pair, ClusterTopology cluster) {
        this.pair = pair;
        this.cluster = cluster;
    }

    /**
     * Notes the pair and the timeline's length at {@code now}; returns whether neither changed for
     * {@link #QUIET} (the last step counts as a change).
     */
    boolean quiet(Instant now, Instant lastStep, int timelineLines) {
        String seen = picture() + " lines=" + timelineLines;
        if (!seen.equals(picture)) {
            // the first look is no change: what came before it is the last step's, which counts from the step
            changedAt = picture.isEmpty() ? Instant.MIN : now;
            picture = seen;
        }
        Instant since = changedAt.isAfter(lastStep) ? changedAt : lastStep;
        return !now.isBefore(since.plus(QUIET));
    }

    private String picture() {
        Map<String, Object> facts = new TreeMap<>();
        for (SimulatedHost host : pair.hosts()) {
            facts.put(host.name(), pair.poweredOn(host.name()) + "/" + host.isUp());
            for (String resource : cluster.resources().keySet()) {
                facts.put(
                        host.name() + "/" + resource,
                        host.role(resource) + "/" + host.disk(resource) + "/" + host.connection(resource) + "/"
                                + host.allowsTwoPrimaries(resource));
            }
            for (String vm : host.vmNames()) {
                facts.put(host.name() + "/" + vm, host.vmState(vm) + "/" + host.vmMemoryKiB(vm));
            }
        }
        for (String vm : cluster.vms().keySet()) {
            facts.put("boots/" + vm, pair.boots(vm));
        }
        return facts.toString();
    }
}
