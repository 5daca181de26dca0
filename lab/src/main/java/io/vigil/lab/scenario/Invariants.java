package io.vigil.lab.scenario;

import io.vigil.events.Action;
import io.vigil.events.ActionType;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.sim.SimulatedHost;
import io.vigil.sim.SimulatedPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The safety rules checked against the simulated pair's ground truth (not against what Vigil
 * believes) after every step. Each broken rule is reported once per subject, with the step that
 * broke it, so a run shows where things first went wrong rather than a thousand repeats.
 */
final class Invariants {
    /** Two DRBD primaries for a resource while its connection does not allow two on both sides. */
    static final String TWO_PRIMARIES = "two-primaries-outside-window";
    /** A VM running on both hosts, or a start the simulator refused because it ran on the other. */
    static final String VM_ON_TWO_HOSTS = "vm-on-two-hosts";
    /** A host became Primary for a resource while its own disk for it was not UpToDate. */
    static final String PROMOTED_NOT_UP_TO_DATE = "promoted-without-uptodate-disk";
    /** A host became Primary while its peer was powered on, Primary, and not in a migration window. */
    static final String PROMOTED_PEER_WRITING = "promoted-while-peer-could-write";

    /** A promotion or a VM's boot that no audited action of Vigil's (nor a human's hand) explains. */
    static final String UNEXPLAINED = "change-not-in-the-audit-trail";

    /** The engine sent an action id it had sent before: a step repeated (a retry has its own attempt number). */
    static final String ACTION_TWICE = "action-sent-twice";

    /** The engine saw a node's record out of order, twice, or after a gap: telemetry lost or doubled on the way. */
    static final String TELEMETRY_GAP = "telemetry-not-complete";

    private final SimulatedPair pair;
    private final ClusterTopology cluster;
    private final Map<String, DrbdRole> roles = new HashMap<>();
    private final Set<String> reported = new HashSet<>();
    private final List<String> violations = new ArrayList<>();
    private int refusalsSeen;
    private final Set<String> actionIds = new HashSet<>();
    private final Map<String, Long> lastSeq = new HashMap<>();

    private final Supplier<List<Action>> sent;
    private final Supplier<List<AuditEntry>> audit;
    private final Map<String, Integer> boots = new HashMap<>();

    /** Checks a change may wait for its audit entry to be read: none where the engine runs in step with the checks. */
    private final int explainWithin;
    /** Changes not yet explained, checked again at each check until their time is up. */
    private final List<Unexplained> unexplained = new ArrayList<>();
    /** The first seq of a node's telemetry: 0 for a new agent's publisher, 1 where the rig numbers them. */
    private final long firstSeq;
    /** Nodes whose agent was started again: its publisher resumes above its last reserved block, one jump forward. */
    private final Set<String> restarted = new HashSet<>();

    /** For checks with no engine: every change is a human's. */
    Invariants(SimulatedPair pair, ClusterTopology cluster) {
        this(pair, cluster, List::of, List::of);
    }

    /** {@code sent} and {@code audit}: what the engine sent and wrote to its audit trail so far, to explain each change by. */
    Invariants(
            SimulatedPair pair,
            ClusterTopology cluster,
            Supplier<List<Action>> sent,
            Supplier<List<AuditEntry>> audit) {
        this(pair, cluster, sent, audit, 0, 1);
    }

    /**
     * The same, for an engine that runs beside the checks (the live lab): a change is explained
     * when its action and audit entry are read within {@code explainWithin} checks, as they reach
     * the checker a moment after the host acted; telemetry seqs start at {@code firstSeq}.
     */
    Invariants(
            SimulatedPair pair,
            ClusterTopology cluster,
            Supplier<List<Action>> sent,
            Supplier<List<AuditEntry>> audit,
            int explainWithin,
            long firstSeq) {
        this.explainWithin = explainWithin;
        this.firstSeq = firstSeq;
        this.pair = pair;
        this.cluster = cluster;
        this.sent = sent;
        this.audit = audit;
        cluster.vms().keySet().forEach(vm -> boots.put(vm, pair.boots(vm)));
        for (SimulatedHost host : pair.hosts()) {
            for (String resource : cluster.resources().keySet()) {
                roles.put(host.name() + "/" + resource, roleOf(host, resource));
            }
        }
    }

    /** Checks every rule now; returns the violations new at this step. {@code step}: when, as the report names it ("step 12", "8.5s"). */
    List<String> check(String step) {
        return check(step, false);
    }

    /**
     * The same; {@code byHand}: the changes since the last check are a human's (a scenario's
     * operator), who needs no audit entry, though the safety rules hold for them too.
     */
    List<String> check(String step, boolean byHand) {
        List<String> found = new ArrayList<>();
        for (Iterator<Unexplained> it = unexplained.iterator(); it.hasNext(); ) {
            Unexplained u = it.next();
            if (u.explained().getAsBoolean()) {
                it.remove();
            } else if (u.checksLeft().decrementAndGet() < 0) {
                it.remove();
                report(found, u.step(), UNEXPLAINED, u.subject(), u.what());
            }
        }
        for (String resource : cluster.resources().keySet()) {
            List<String> primaries = pair.primariesOf(resource);
            if (primaries.size() > 1 && !primaries.stream().allMatch(n -> pair.allowsTwoPrimaries(n, resource))) {
                report(
                        found,
                        step,
                        TWO_PRIMARIES,
                        resource,
                        resource + " is Primary on " + String.join(" and ", primaries)
                                + " without allow-two-primaries on both");
            }
            for (SimulatedHost host : pair.hosts()) {
                String key = host.name() + "/" + resource;
                DrbdRole now = roleOf(host, resource);
                DrbdRole before = roles.put(key, now);
                if (now == DrbdRole.PRIMARY && before != DrbdRole.PRIMARY) {
                    promoted(found, step, host, resource);
                    if (!byHand) {
                        String node = host.name();
                        expectExplained(
                                found,
                                step,
                                () -> explained(
                                        ActionType.DRBD_PRIMARY,
                                        node,
                                        a -> a.resource().equals(Optional.of(resource))),
                                "promote " + node + "/" + resource + " " + step,
                                node + " became Primary for " + resource
                                        + " with no audited drbd-primary action for it");
                    }
                }
            }
        }
        for (String vm : cluster.vms().keySet()) {
            int booted = pair.boots(vm);
            if (booted > boots.get(vm) && !byHand) {
                List<String> where = pair.hostsRunning(vm);
                expectExplained(
                        found,
                        step,
                        () -> where.stream()
                                .anyMatch(node ->
                                        explained(ActionType.VM_START, node, a -> a.vm().equals(Optional.of(vm)))),
                        "boot " + vm + " " + booted,
                        vm + " booted on " + where + " with no audited vm-start action for it there");
            }
            boots.put(vm, booted);
            List<String> running = pair.hostsRunning(vm);
            if (running.size() > 1) {
                report(found, step, VM_ON_TWO_HOSTS, vm, vm + " runs on " + String.join(" and ", running));
            }
        }
        List<String> refusals = pair.doubleRunRefusals();
        for (int i = refusalsSeen; i < refusals.size(); i++) {
            report(found, step, VM_ON_TWO_HOSTS, "refusal-" + i, refusals.get(i));
        }
        refusalsSeen = refusals.size();
        return found;
    }

    private void expectExplained(
            List<String> found, String step, BooleanSupplier explained, String subject, String what) {
        if (explained.getAsBoolean()) {
            return;
        }
        if (explainWithin == 0) {
            report(found, step, UNEXPLAINED, subject, what);
        } else {
            unexplained.add(new Unexplained(step, subject, what, explained, new AtomicInteger(explainWithin)));
        }
    }

    private record Unexplained(
            String step, String subject, String what, BooleanSupplier explained, AtomicInteger checksLeft) {}

    /** Whether an action of {@code type} for {@code node} matching {@code which} was sent and has its audit entry. */
    private boolean explained(ActionType type, String node, Predicate<Action> which) {
        Set<String> audited = new HashSet<>();
        for (AuditEntry entry : audit.get()) {
            if (entry.kind() == AuditKind.ACTION) {
                entry.actionId().ifPresent(audited::add);
            }
        }
        return sent.get().stream()
                .anyMatch(a -> a.type() == type && a.node().equals(node) && which.test(a) && audited.contains(a.id()));
    }

    private void promoted(List<String> found, String step, SimulatedHost host, String resource) {
        DiskState disk = host.disk(resource);
        if (disk != DiskState.UP_TO_DATE) {
            report(
                    found,
                    step,
                    PROMOTED_NOT_UP_TO_DATE,
                    host.name() + "/" + resource,
                    host.name() + " became Primary for " + resource + " with its disk " + disk.wire());
        }
        SimulatedHost peer = pair.hosts().stream()
                .filter(h -> !h.name().equals(host.name()))
                .findFirst()
                .orElseThrow();
        boolean window =
                pair.allowsTwoPrimaries(host.name(), resource) && pair.allowsTwoPrimaries(peer.name(), resource);
        if (pair.poweredOn(peer.name()) && peer.role(resource) == DrbdRole.PRIMARY && !window) {
            report(
                    found,
                    step,
                    PROMOTED_PEER_WRITING,
                    host.name() + "/" + resource,
                    host.name() + " became Primary for " + resource + " while " + peer.name()
                            + " was powered on and Primary" + (peer.isUp() ? "" : " (frozen)"));
        }
    }

    private static DrbdRole roleOf(SimulatedHost host, String resource) {
        return host.role(resource);
    }

    private void report(List<String> found, String step, String rule, String subject, String what) {
        if (reported.add(rule + " " + subject)) {
            String line = rule + " at " + step + ": " + what;
            found.add(line);
            violations.add(line);
        }
    }

    /** Records each action id the engine sends; returns the violation when one comes a second time. */
    List<String> sent(String step, String actionId) {
        List<String> found = new ArrayList<>();
        if (!actionIds.add(actionId)) {
            report(found, step, ACTION_TWICE, actionId, actionId + " was sent again");
        }
        return found;
    }

    /** Each record the engine receives, by node and seq: they must come 1, 2, 3 ... per node, none lost, none twice. */
    List<String> received(String step, String node, long seq) {
        List<String> found = new ArrayList<>();
        long expected = lastSeq.containsKey(node) ? lastSeq.get(node) + 1 : firstSeq;
        boolean resumedAbove = seq > expected && restarted.remove(node);
        if (seq != expected && !resumedAbove) {
            report(
                    found,
                    step,
                    TELEMETRY_GAP,
                    node + "#" + seq,
                    node + " record " + seq + " arrived where " + expected + " was due");
        }
        lastSeq.put(node, Math.max(seq, lastSeq.getOrDefault(node, firstSeq - 1)));
        return found;
    }

    /** NODE's agent was started again: its next record may come one reserved block above the last. */
    void agentRestarted(String node) {
        restarted.add(node);
    }

    /** What the engine had received at its last commit, and how to go back to it when a crash loses what came after. */
    Runnable receivedSoFar() {
        Map<String, Long> was = new HashMap<>(lastSeq);
        return () -> {
            lastSeq.clear();
            lastSeq.putAll(was);
        };
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /** Whether a change on the pair still waits for its action and audit entry to be read: it may yet be a violation. */
    boolean awaitingExplanations() {
        return !unexplained.isEmpty();
    }
}
