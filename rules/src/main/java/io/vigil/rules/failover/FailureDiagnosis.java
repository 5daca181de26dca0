package io.vigil.rules.failover;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdRole;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.FailoverPolicy;
import io.vigil.service.topology.ResourceTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads from a cluster's facts whether a resource needs to leave the node that is Primary for it,
 * and which way. Only the Primary's trouble moves anything: a failing Secondary has no VMs to
 * move. A cut replication link or a split brain, with both hosts answering, is no reason at all
 * here (the rules page for those; nothing is resolved automatically).
 */
public final class FailureDiagnosis {
    private static final Set<DiskState> DISK_LOST = Set.of(DiskState.FAILED, DiskState.DISKLESS, DiskState.DETACHING);
    private final Duration maxFactAge;

    public FailureDiagnosis(Duration maxFactAge) {
        this.maxFactAge = maxFactAge;
    }

    public Optional<Trigger> diagnose(
            ClusterTopology topology, ResourceTopology resource, ClusterFacts facts, Instant now) {
        FailoverPolicy policy = topology.policy();
        List<String> primaries = new ArrayList<>();
        for (String node : topology.nodeNames()) {
            facts.drbd(node, resource.name())
                    .filter(r -> r.drbd().role() == DrbdRole.PRIMARY)
                    .ifPresent(r -> primaries.add(node));
        }
        if (primaries.size() != 1) {
            return Optional.empty();
        }
        String failing = primaries.get(0);
        String survivor = topology.peerOf(failing);
        Optional<Instant> survivorHeard = facts.lastHeard(survivor);
        if (survivorHeard.isEmpty() || survivorHeard.get().isBefore(now.minus(policy.hostGoneAfter()))) {
            return Optional.empty();
        }
        NodeReport report = facts.drbd(failing, resource.name()).orElseThrow();
        Instant heard = facts.lastHeard(failing).orElseThrow();
        // silence counts only where the survivor went on reporting meanwhile, by its own clock: an engine that read
        // nothing
        // for a while (a Kafka outage, a restart) then reads the backlog late, and a node whose records wait in it is
        // not silent
        Optional<Duration> byPeer = facts.silentByPeer(failing, survivor);
        boolean silentByPeer =
                byPeer.map(d -> d.compareTo(policy.hostGoneAfter()) >= 0).orElse(true);
        // and a host whose kernel still replicates is not gone, only its agent: the survivor's own recent report must
        // show the
        // replication link to it down (a frozen or dead host drops it); NodeSilent pages for a silent agent
        boolean linkUp = facts.drbd(survivor, resource.name())
                .filter(r -> r.freshAt(now, maxFactAge))
                .map(r -> r.drbd().connections().stream()
                        .anyMatch(c -> c.peer().equals(failing) && c.connection() == ConnectionState.CONNECTED))
                .orElse(false);
        if (heard.isBefore(now.minus(policy.hostGoneAfter())) && silentByPeer && !linkUp) {
            return Optional.of(new Trigger(
                    FailoverWay.HOST_LOST,
                    failing,
                    survivor,
                    failing + " has not been heard for "
                            + Duration.between(heard, now).toSeconds() + " s (host_gone_after "
                            + policy.hostGoneAfter().toSeconds() + " s)"
                            + byPeer.map(d -> ", while " + survivor + " reported for " + d.toSeconds()
                                            + " s of its own clock")
                                    .orElse(""),
                    List.of(
                            failing + " last heard at " + heard + "; last DRBD report " + report.evidence(),
                            survivor + " heard at " + survivorHeard.get())));
        }
        if (!report.freshAt(now, maxFactAge)) {
            return Optional.empty();
        }
        Optional<DrbdResource.DrbdDevice> lost = report.drbd().devices().stream()
                .filter(d -> !d.client() && DISK_LOST.contains(d.disk()))
                .findFirst();
        if (lost.isPresent()) {
            return Optional.of(new Trigger(
                    FailoverWay.LIVE_EVACUATION,
                    failing,
                    survivor,
                    failing + " lost its disk under " + resource.name() + " (volume "
                            + lost.get().volume() + " " + lost.get().disk().wire() + ") and still answers",
                    List.of(report.evidence())));
        }
        return evacuateOnFiring(policy, resource.name(), facts, failing)
                .map(alert -> new Trigger(
                        FailoverWay.LIVE_EVACUATION,
                        failing,
                        survivor,
                        alert.name() + " fires on " + failing + " (evacuate_on): its VMs leave before the disk goes",
                        List.of(alert.name() + " firing since " + alert.since(), report.evidence())));
    }

    /**
     * Whether the failure that began a failover from {@code failing} is over, by that host's own
     * fresh report: it answers, and it is no longer Primary, or it is with its disks attached and
     * no evacuate_on alert firing on it. A trigger that went away for another reason (the survivor
     * silent, a report grown old) is not the failure ending: a failover closed on it would say
     * "Healthy" of a host that is still down.
     */
    public boolean cleared(
            ClusterTopology topology, ResourceTopology resource, ClusterFacts facts, String failing, Instant now) {
        Optional<Instant> heard = facts.lastHeard(failing);
        if (heard.isEmpty() || heard.get().isBefore(now.minus(topology.policy().hostGoneAfter()))) {
            return false;
        }
        Optional<NodeReport> report = facts.drbd(failing, resource.name()).filter(r -> r.freshAt(now, maxFactAge));
        if (report.isEmpty()) {
            return false;
        }
        if (report.get().drbd().role() != DrbdRole.PRIMARY) {
            return true;
        }
        boolean diskLost =
                report.get().drbd().devices().stream().anyMatch(d -> !d.client() && DISK_LOST.contains(d.disk()));
        return !diskLost
                && evacuateOnFiring(topology.policy(), resource.name(), facts, failing)
                        .isEmpty();
    }

    /**
     * An alert the policy's evacuate_on names, firing on {@code node} for {@code resource} (or for
     * the whole node): a reason to leave the node, and so a reason not to come back to it. The
     * earliest by name when several fire, so that the same facts give the same answer.
     */
    static Optional<ClusterFacts.FiringAlert> evacuateOnFiring(
            FailoverPolicy policy, String resource, ClusterFacts facts, String node) {
        return facts.firing().values().stream()
                .filter(alert -> policy.evacuateOn().contains(alert.name())
                        && alert.node().equals(Optional.of(node))
                        && alert.resource().map(r -> r.equals(resource)).orElse(true))
                .min(Comparator.comparing(ClusterFacts.FiringAlert::name)
                        .thenComparing(ClusterFacts.FiringAlert::since));
    }
}
