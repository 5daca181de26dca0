package io.vigil.rules.failover;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The safety rules of a failover, in one place: every failover start, every promotion, every
 * dual-primary window and every VM's move is judged here, and nowhere else, before an action is
 * sent. Anyone reviewing what Vigil may do to a pair reads this file. Each rule is a {@link
 * SafetyRule}; a refusal names the rule and the fact that broke it, an allowance lists the evidence
 * (node, seq, timestamp) it rested on, for the audit trail.
 *
 * <p>When the facts do not prove a step safe, the answer is no: the saga then pages and waits.
 */
public final class PromotionGuard {
    private final Duration maxFactAge;

    /** @param maxFactAge a node's report older than this proves nothing about now */
    public PromotionGuard(Duration maxFactAge) {
        if (maxFactAge.isNegative() || maxFactAge.isZero()) {
            throw new IllegalArgumentException("the fact age must be positive");
        }
        this.maxFactAge = maxFactAge;
    }

    /**
     * May a failover of {@code resource} start now? One per resource; at most {@code flapLimit}
     * per cluster within {@code flapWindow} (each cluster's own policy), the next refused.
     */
    public Verdict mayStart(
            String cluster,
            String resource,
            List<String> otherSagasOfResource,
            List<Instant> clusterFailoversStarted,
            Instant now,
            int flapLimit,
            Duration flapWindow) {
        if (flapLimit < 1 || flapWindow.isNegative() || flapWindow.isZero()) {
            throw new IllegalArgumentException("the flap window must be positive and the flap limit at least 1");
        }
        if (!otherSagasOfResource.isEmpty()) {
            return new Verdict.Refused(
                    SafetyRule.ONE_SAGA_PER_RESOURCE,
                    resource + " already has a failover in progress: " + String.join(", ", otherSagasOfResource));
        }
        long recent = clusterFailoversStarted.stream()
                .filter(t -> !t.isBefore(now.minus(flapWindow)))
                .count();
        if (recent >= flapLimit) {
            return new Verdict.Refused(
                    SafetyRule.FLAP_GUARD,
                    cluster + " had " + recent + " failovers within " + flapWindow + " (limit " + flapLimit
                            + "): automation stops until a human looks");
        }
        return new Verdict.Allowed(
                List.of(cluster + ": " + recent + " of " + flapLimit + " failovers within " + flapWindow));
    }

    /**
     * May {@code candidate} become Primary for the resource? Its own fresh report must show every
     * volume UpToDate and DRBD not refusing; no earlier refusal for lack of good data; the peer
     * must be proven unable to write, and must not be Primary.
     */
    public Verdict mayPromote(PromotionRequest request) {
        Instant now = request.now();
        if (request.candidateReport().isEmpty()) {
            return refuse(
                    SafetyRule.FRESH_FACTS, "no DRBD report of " + request.resource() + " from " + request.candidate());
        }
        NodeReport candidate = request.candidateReport().get();
        if (!candidate.node().equals(request.candidate())
                || !candidate.drbd().resource().equals(request.resource())) {
            return refuse(
                    SafetyRule.FRESH_FACTS,
                    "the report " + candidate.evidence() + " is not " + request.candidate() + "'s of "
                            + request.resource());
        }
        if (!candidate.freshAt(now, maxFactAge)) {
            return refuse(
                    SafetyRule.FRESH_FACTS,
                    request.candidate() + "'s latest report of " + request.resource() + " (" + candidate.evidence()
                            + ") is older than " + maxFactAge);
        }
        List<String> evidence = new ArrayList<>();
        Optional<String> notUpToDate = notUpToDate(candidate.drbd());
        if (notUpToDate.isPresent()) {
            return refuse(
                    SafetyRule.CANDIDATE_UP_TO_DATE,
                    request.candidate() + "'s disk for " + request.resource() + " " + notUpToDate.get() + " ("
                            + candidate.evidence() + ")");
        }
        evidence.add(request.candidate() + " UpToDate on every volume of " + request.resource() + " ("
                + candidate.evidence() + ")");
        if (candidate.drbd().mayPromote().equals(Optional.of(false))) {
            return refuse(
                    SafetyRule.DRBD_MAY_PROMOTE,
                    "DRBD on " + request.candidate() + " says may_promote:no for " + request.resource() + " ("
                            + candidate.evidence() + ")");
        }
        if (request.goodDataRefusedBefore()) {
            return refuse(
                    SafetyRule.NO_GOOD_DATA_IS_FINAL,
                    "drbdadm primary on " + request.candidate() + " already refused for lack of good data"
                            + " (exit 17) in this failover; a human must decide");
        }
        Verdict peer = peerCannotWrite(request, candidate, evidence);
        if (!peer.allowed()) {
            return peer;
        }
        return noSecondPrimary(request, candidate, evidence);
    }

    /**
     * May the resource have two primaries for a live migration from {@code from} to {@code to}?
     * Only while both nodes report, freshly, that they are connected and replicating, the target
     * is UpToDate, and DRBD saw no split brain. The window closes when the migration ends.
     */
    public Verdict mayOpenMigrationWindow(
            String resource,
            String from,
            String to,
            Optional<NodeReport> fromReport,
            Optional<NodeReport> toReport,
            Instant now) {
        for (var side : List.of(new Side(from, fromReport), new Side(to, toReport))) {
            if (side.report().isEmpty()
                    || !side.report().get().freshAt(now, maxFactAge)
                    || !side.report().get().node().equals(side.node())
                    || !side.report().get().drbd().resource().equals(resource)) {
                return refuse(SafetyRule.FRESH_FACTS, "no recent DRBD report of " + resource + " from " + side.node());
            }
            DrbdResource drbd = side.report().get().drbd();
            if (drbd.splitBrain()) {
                return refuse(
                        SafetyRule.WINDOW_NEEDS_CONNECTED_PAIR, side.node() + " reported a split brain on " + resource);
            }
            String peer = side.node().equals(from) ? to : from;
            Optional<DrbdResource.DrbdConnection> link = drbd.connections().stream()
                    .filter(c -> c.peer().equals(peer))
                    .findFirst();
            if (link.isEmpty() || link.get().connection() != ConnectionState.CONNECTED) {
                return refuse(
                        SafetyRule.WINDOW_NEEDS_CONNECTED_PAIR,
                        side.node() + " is not connected to " + peer + " for " + resource + " ("
                                + link.map(l -> l.connection().wire()).orElse("no connection") + ", "
                                + side.report().get().evidence() + ")");
            }
            Optional<DrbdResource.DrbdPeerDevice> notReplicating = link.get().peerDevices().stream()
                    .filter(d -> d.replication() != ReplicationState.ESTABLISHED)
                    .findFirst();
            if (notReplicating.isPresent()) {
                return refuse(
                        SafetyRule.WINDOW_NEEDS_CONNECTED_PAIR,
                        side.node() + "'s volume " + notReplicating.get().volume() + " of " + resource + " is "
                                + notReplicating.get().replication().wire() + " towards " + peer + ", not Established");
            }
        }
        Optional<String> targetNotUpToDate = notUpToDate(toReport.get().drbd());
        if (targetNotUpToDate.isPresent()) {
            return refuse(
                    SafetyRule.CANDIDATE_UP_TO_DATE, to + "'s disk for " + resource + " " + targetNotUpToDate.get());
        }
        return new Verdict.Allowed(List.of(
                from + " and " + to + " connected and replicating " + resource + " ("
                        + fromReport.get().evidence() + "; " + toReport.get().evidence() + ")",
                to + " UpToDate on every volume"));
    }

    /**
     * May {@code vm} be moved off {@code from} (live, or started cold elsewhere)? Only when its
     * whereabouts are known: where it runs, or that {@code from} does not run it. The answer to
     * not having heard is to wait for the agent's report, never to guess.
     */
    public Verdict mayMoveVm(String vm, String from, VmWhereabouts where) {
        if (where instanceof VmWhereabouts.RunsOn runs) {
            return new Verdict.Allowed(List.of(vm + " runs on " + runs.node() + ": " + runs.evidence()));
        }
        if (where instanceof VmWhereabouts.NotRunningOn not) {
            return new Verdict.Allowed(List.of(vm + " does not run on " + not.node() + ": " + not.evidence()));
        }
        return refuse(
                SafetyRule.VM_WHEREABOUTS_KNOWN,
                "no report of " + vm + " from " + from + " and none that it runs elsewhere: it may"
                        + " still run on " + from + "; the failover goes on by itself when " + from
                        + "'s agent reports " + vm
                        + " (if it does not, check vigil-agent's VM probe on " + from + ")");
    }

    private record Side(String node, Optional<NodeReport> report) {}

    private Verdict peerCannotWrite(PromotionRequest request, NodeReport candidate, List<String> evidence) {
        Instant now = request.now();
        // (Java 17: no pattern switch; the chain ends in the one remaining case, Unproven, so a new kind of proof must
        // be added here)
        PeerCannotWrite proof = request.peerCannotWrite();
        if (proof instanceof PeerCannotWrite.ConfirmedSecondary s) {
            NodeReport peer = s.peerReport();
            if (!peer.node().equals(request.peer()) || !peer.drbd().resource().equals(request.resource())) {
                return refuse(
                        SafetyRule.PEER_CANNOT_WRITE,
                        "the report " + peer.evidence() + " is not " + request.peer() + "'s of " + request.resource());
            }
            if (!peer.freshAt(now, maxFactAge)) {
                return refuse(
                        SafetyRule.PEER_CANNOT_WRITE,
                        request.peer() + " was Secondary at " + peer.at() + ", older than " + maxFactAge
                                + ": it may have changed");
            }
            if (peer.drbd().role() != DrbdRole.SECONDARY) {
                return refuse(
                        SafetyRule.PEER_CANNOT_WRITE,
                        request.peer() + " is " + peer.drbd().role().wire() + " for " + request.resource() + " ("
                                + peer.evidence() + ")");
            }
            evidence.add(request.peer() + " Secondary for " + request.resource() + " (" + peer.evidence() + ")");
        } else if (proof instanceof PeerCannotWrite.PowerConfirmedOff off) {
            evidence.add(request.peer() + " fenced by " + off.fenceActionId() + ", power off confirmed by "
                    + off.statusActionId() + " at " + off.confirmedAt());
        } else if (proof instanceof PeerCannotWrite.OutdatedByDrbd outdated) {
            NodeReport report = outdated.candidateReport();
            if (!report.node().equals(request.candidate()) || !report.freshAt(now, maxFactAge)) {
                return refuse(
                        SafetyRule.PEER_CANNOT_WRITE,
                        "DRBD's word that " + request.peer() + " is Outdated must come from " + request.candidate()
                                + "'s own recent report, not " + report.evidence());
            }
            Optional<DrbdResource.DrbdConnection> link = report.drbd().connections().stream()
                    .filter(c -> c.peer().equals(request.peer()))
                    .findFirst();
            if (link.isEmpty()
                    || link.get().peerDevices().isEmpty()
                    || !link.get().peerDevices().stream().allMatch(d -> d.peerDisk() == DiskState.OUTDATED)) {
                return refuse(
                        SafetyRule.PEER_CANNOT_WRITE,
                        request.candidate() + "'s DRBD does not report " + request.peer() + "'s disk for "
                                + request.resource() + " Outdated on every volume (" + report.evidence() + ")");
            }
            evidence.add(request.peer() + "'s disk Outdated by DRBD (" + report.evidence() + ")");
        } else {
            String why = ((PeerCannotWrite.Unproven) proof).why();
            return refuse(
                    SafetyRule.PEER_CANNOT_WRITE,
                    request.peer() + " may still write to " + request.resource() + ": " + why);
        }
        return new Verdict.Allowed(evidence);
    }

    private Verdict noSecondPrimary(PromotionRequest request, NodeReport candidate, List<String> evidence) {
        // a report from before a confirmed power-off says nothing about a host that is off
        if (request.peerCannotWrite() instanceof PeerCannotWrite.PowerConfirmedOff) {
            return new Verdict.Allowed(evidence);
        }
        boolean candidateSeesPrimary = candidate.drbd().connections().stream()
                .anyMatch(c -> c.peer().equals(request.peer()) && c.peerRole() == DrbdRole.PRIMARY);
        if (candidateSeesPrimary) {
            return refuse(
                    SafetyRule.NO_SECOND_PRIMARY,
                    request.candidate() + " sees " + request.peer() + " Primary for " + request.resource() + " ("
                            + candidate.evidence() + ")");
        }
        Optional<NodeReport> peer = request.peerReport().filter(r -> r.freshAt(request.now(), maxFactAge));
        // DRBD refuses to outdate a Primary ("Refusing to be Outdated while Primary"): the peer's own
        // report from before DRBD outdated it is superseded by that newer word
        if (request.peerCannotWrite() instanceof PeerCannotWrite.OutdatedByDrbd outdated) {
            peer = peer.filter(r -> !r.at().isBefore(outdated.candidateReport().at()));
        }
        if (peer.isPresent() && peer.get().drbd().role() == DrbdRole.PRIMARY) {
            return refuse(
                    SafetyRule.NO_SECOND_PRIMARY,
                    request.peer() + " reports itself Primary for " + request.resource() + " ("
                            + peer.get().evidence() + ")");
        }
        return new Verdict.Allowed(evidence);
    }

    /** "volume 0 is Inconsistent", or empty when every volume is UpToDate (a report without volumes proves nothing). */
    /**
     * May the saga fence the lost node so that {@code survivor} can be promoted? Only where the
     * survivor could then be: its own recent report shows every volume UpToDate. Fencing for a
     * promotion that cannot follow only cuts off what may be the last good copy.
     */
    public Verdict mayFenceFor(String resource, String survivor, Optional<NodeReport> survivorReport, Instant now) {
        if (survivorReport.isEmpty() || !survivorReport.get().freshAt(now, maxFactAge)) {
            return refuse(
                    SafetyRule.FRESH_FACTS,
                    "no recent DRBD report of " + resource + " from " + survivor + ": not fenced");
        }
        Optional<String> notUpToDate = notUpToDate(survivorReport.get().drbd());
        if (notUpToDate.isPresent()) {
            return refuse(
                    SafetyRule.CANDIDATE_UP_TO_DATE,
                    survivor + "'s disk for " + resource + " " + notUpToDate.get()
                            + ": it could not be promoted, so the lost node is not fenced ("
                            + survivorReport.get().evidence() + ")");
        }
        return new Verdict.Allowed(List.of(survivor + " UpToDate for " + resource + " ("
                + survivorReport.get().evidence() + ")"));
    }

    private static Optional<String> notUpToDate(DrbdResource drbd) {
        if (drbd.devices().isEmpty()) {
            return Optional.of("has no volumes reported");
        }
        return drbd.devices().stream()
                .filter(d -> d.disk() != DiskState.UP_TO_DATE)
                .findFirst()
                .map(d -> "volume " + d.volume() + " is " + d.disk().wire());
    }

    private static Verdict refuse(SafetyRule rule, String why) {
        return new Verdict.Refused(rule, why);
    }

    /** What a promotion is judged on: the candidate's and the peer's latest reports, and the proof that the peer cannot write. */
    public record PromotionRequest(
            String cluster,
            String resource,
            String candidate,
            String peer,
            Optional<NodeReport> candidateReport,
            Optional<NodeReport> peerReport,
            PeerCannotWrite peerCannotWrite,
            boolean goodDataRefusedBefore,
            Instant now) {
        public PromotionRequest {
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(candidate, "candidate");
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(candidateReport, "candidateReport");
            Objects.requireNonNull(peerReport, "peerReport");
            Objects.requireNonNull(peerCannotWrite, "peerCannotWrite");
            Objects.requireNonNull(now, "now");
            if (candidate.equals(peer)) {
                throw new IllegalArgumentException("the candidate and its peer are the same node: " + candidate);
            }
        }
    }
}
