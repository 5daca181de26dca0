package io.vigil.lab.chaos;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.lab.scenario.FailoverRig;
import io.vigil.lab.scenario.ScenarioRunner;
import io.vigil.lab.scenario.ScenarioStep;
import io.vigil.lab.sim.FaultOutcome;
import io.vigil.lab.sim.SimulatedHost;
import io.vigil.lab.sim.SimulatedPair;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.ResourceTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Watches a chaos run step by step against the simulator's ground truth: when each fault took
 * effect, when the pair served every VM again, how long VMs were down, and at the end the
 * liveness invariants (every VM running once or paged, one Primary per resource or paged) and the
 * paging deadlines. The safety invariants are the rig's own, checked at every step.
 */
final class ChaosWatch implements ScenarioRunner.StepWatch {
    /** A failed disk must be paged within this (the pager's promise: within a second, with room for a probe's cycle). */
    static final Duration DISK_PAGE_DEADLINE = Duration.ofSeconds(5);
    /** A lost host must be paged within this: host_gone_after, NodeSilent's wait, and a margin. */
    static final Duration HOST_PAGE_DEADLINE = Duration.ofSeconds(45);
    static final String VM_LEFT_SILENTLY = "vm-down-and-not-paged";
    static final String RESOURCE_LEFT_SILENTLY = "resource-without-one-primary-and-not-paged";
    static final String PAGE_LATE = "failure-not-paged-in-time";

    private final ChaosPlan plan;
    private final ClusterTopology cluster;
    private final Map<String, String> resourceOf = new HashMap<>();
    private final List<Applied> faults = new ArrayList<>();
    private final Map<String, Double> downtime = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private Instant start;
    private boolean kafkaOut;
    private Optional<String> brokenAt = Optional.empty();
    private final java.util.Set<String> agentsOut = new java.util.HashSet<>();
    /** Kafka's outages, [down, back]: no page can leave while the broker is away, so a deadline runs from its return. */
    private final List<Instant[]> outages = new ArrayList<>();

    private record Applied(String kind, String line, Instant at, boolean seen, String node) {
    }

    private final Map<Applied, Instant> recovered = new LinkedHashMap<>();

    ChaosWatch(ChaosPlan plan, ClusterTopology cluster) {
        this.plan = plan;
        this.cluster = cluster;
        for (ResourceTopology r : cluster.resources().values()) {
            r.vms().forEach(vm -> resourceOf.put(vm, r.name()));
        }
    }

    @Override
    public void applied(ScenarioStep step, Optional<FaultOutcome> outcome, FailoverRig rig) {
        Instant now = rig.pair().now();
        if (start == null) {
            start = now.minusMillis(Math.round(rig.secondsSinceStart(now) * 1000)); // the rig's own start
        }
        String line;
        if (step instanceof ScenarioStep.InjectFault f && outcome.map(FaultOutcome::applied).orElse(false)) {
            line = f.fault();
        } else if (step instanceof ScenarioStep.RestartEngine || step instanceof ScenarioStep.CrashEngine) {
            line = step.describe();
        } else if (step instanceof ScenarioStep.Agent agent && !agent.running() && agentsOut.add(agent.node())) {
            line = "agent-kill " + agent.node();
        } else if (step instanceof ScenarioStep.Kafka k && !k.up() && !kafkaOut) {
            kafkaOut = true;
            outages.add(new Instant[] {now, null});
            line = "kafka-outage";
        } else {
            if (step instanceof ScenarioStep.Agent agent && agent.running()) {
                agentsOut.remove(agent.node());
            }
            if (step instanceof ScenarioStep.Kafka k && k.up() && kafkaOut) {
                kafkaOut = false;
                outages.get(outages.size() - 1)[1] = now;
            }
            return;
        }
        String kind = line.split(" ")[0];
        if (isUndo(kind)) {
            return;
        }
        String[] words = line.split(" ");
        String node = words.length > 1 ? words[1] : "";
        // a disk that fails in a host that is down is seen when the host is back: no page can be due before
        // and one that fails while the host's agent is dead is seen when the agent starts again
        boolean seen = !kind.equals("disk-fail") || (rig.pair().host(node).map(SimulatedHost::isUp).orElse(true) && !agentsOut.contains(node));
        faults.add(new Applied(kind, line, now, seen, node));
    }

    private static boolean isUndo(String kind) {
        return List.of("disk-replace", "host-up", "link-restore", "fence-honest", "fence-repaired", "migration-works", "slow-tool-off")
                .contains(kind);
    }

    /** A run stops at its first broken safety invariant: what follows a broken invariant proves nothing more. */
    @Override
    public boolean stop() {
        return brokenAt.isPresent();
    }

    @Override
    public void stepped(FailoverRig rig) {
        SimulatedPair pair = rig.pair();
        Instant now = pair.now();
        if (brokenAt.isEmpty() && !rig.violations().isEmpty()) {
            brokenAt = Optional.of("the state when it broke: " + state(pair));
        }
        boolean whole = servesEveryVm(pair);
        for (Applied f : faults) {
            if (!recovered.containsKey(f) && whole && !now.isBefore(f.at())) {
                recovered.put(f, now);
            }
        }
        Optional<Applied> latest = faults.stream().filter(f -> !f.at().isAfter(now)).max(Comparator.comparing(Applied::at));
        for (String vm : cluster.vms().keySet()) {
            if (pair.hostsRunning(vm).isEmpty() && latest.isPresent()) {
                downtime.merge(latest.get().kind(), 1.0, Double::sum);
            }
        }
    }

    /** Every VM runs on exactly one host that answers, the Primary of its resource, whose own disk is UpToDate. */
    private boolean servesEveryVm(SimulatedPair pair) {
        for (ResourceTopology r : cluster.resources().values()) {
            List<String> primaries = pair.primariesOf(r.name());
            if (primaries.size() != 1) {
                return false;
            }
            SimulatedHost primary = pair.host(primaries.get(0)).orElseThrow();
            // a frozen host's guests still count as running, but they serve nobody
            if (!primary.isUp() || primary.disk(r.name()) != DiskState.UP_TO_DATE || primary.role(r.name()) != DrbdRole.PRIMARY) {
                return false;
            }
            for (String vm : r.vms()) {
                if (!pair.hostsRunning(vm).equals(primaries)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The verdict, once the run has ended: the liveness invariants and the paging deadlines checked now. */
    ChaosVerdict verdict(FailoverRig rig, List<String> rigViolations, List<String> timeline) {
        SimulatedPair pair = rig.pair();
        violations.addAll(rigViolations);
        if (brokenAt.isPresent() && !violations.isEmpty()) {
            // stopped at the step that broke it, whose state the violation carries: the end-of-run checks would judge a run
            // that did not end
            int last = violations.size() - 1;
            violations.set(last, violations.get(last) + "; " + brokenAt.get());
            return new ChaosVerdict(plan, Map.of(), Map.of(), Map.of(), 0, violations, timeline);
        }
        Map<String, Alert> firing = firingAtEnd(rig);
        for (String vm : cluster.vms().keySet()) {
            String resource = resourceOf.get(vm);
            if (pair.hostsRunning(vm).size() != 1 && !paged(firing, vm, resource)) {
                violations.add(VM_LEFT_SILENTLY + " at the end: " + vm + " runs on " + pair.hostsRunning(vm) + " and no page names it or "
                        + resource + " (" + state(pair) + ")");
            }
        }
        for (String resource : cluster.resources().keySet()) {
            if (pair.primariesOf(resource).size() != 1 && !paged(firing, "", resource)) {
                violations.add(RESOURCE_LEFT_SILENTLY + " at the end: " + resource + " is Primary on " + pair.primariesOf(resource)
                        + " and no page names it (" + state(pair) + ")");
            }
        }
        checkDeadlines(rig);
        Map<String, Integer> applied = new TreeMap<>();
        Map<String, List<Double>> recoveries = new TreeMap<>();
        int unrecovered = 0;
        for (Applied f : faults) {
            applied.merge(f.kind(), 1, Integer::sum);
            Instant back = recovered.get(f);
            if (back == null) {
                unrecovered++;
            } else {
                recoveries.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(Duration.between(f.at(), back).toMillis() / 1000.0);
            }
        }
        return new ChaosVerdict(plan, applied, recoveries, downtime, unrecovered, violations, timeline);
    }

    private void checkDeadlines(FailoverRig rig) {
        List<Alert> sent = new ArrayList<>(rig.pages());
        rig.alerts().stream().filter(a -> "critical".equals(a.labels().get("severity"))).forEach(sent::add);
        for (Applied f : faults) {
            Duration deadline;
            if (f.kind().equals("disk-fail") && f.line().endsWith("/dev/sda")) {
                deadline = DISK_PAGE_DEADLINE;
            } else if (f.kind().equals("host-down")) {
                deadline = HOST_PAGE_DEADLINE;
            } else {
                continue;
            }
            Instant due = f.at().plus(deadline);
            for (Instant[] outage : outages) {
                if (outage[1] == null && !outage[0].isAfter(due)) {
                    due = Instant.MAX; // still away at the end: nothing could be paged
                } else if (outage[1] != null && !outage[0].isAfter(due) && !outage[1].isBefore(f.at())) {
                    due = outage[1].plus(deadline);
                }
            }
            if (due.equals(Instant.MAX)) {
                continue;
            }
            if (!f.seen() || due.isAfter(rig.pair().now()) || !stillOnAt(f, due)) {
                continue; // the run ended first, or the fault was undone before a page was due
            }
            boolean paged = firingDuring(sent, f.node(), f.at(), due);
            if (!paged) {
                violations.add(PAGE_LATE + ": " + f.line() + " at " + seconds(f.at()) + " was not paged within " + deadline.toSeconds()
                        + " s");
            }
        }
    }

    /**
     * Whether a critical page about {@code node} fired during [from, to]: one that fired then, or
     * one that already fired before and had not resolved (a host down again before its first
     * silence resolved is still paged by it).
     */
    private static boolean firingDuring(List<Alert> sent, String node, Instant from, Instant to) {
        Map<String, List<Alert>> byAlert = new HashMap<>();
        sent.stream().filter(a -> node.equals(a.labels().get("node"))).sorted(Comparator.comparing(Alert::sentAt))
                .forEach(a -> byAlert.computeIfAbsent(a.fingerprint(), k -> new ArrayList<>()).add(a));
        for (List<Alert> records : byAlert.values()) {
            Optional<Alert> before = records.stream().filter(a -> a.sentAt().isBefore(from)).reduce((a, b) -> b);
            if (before.isPresent() && before.get().state() == AlertState.FIRING && !before.get().suppressed()) {
                return true;
            }
            if (records.stream().anyMatch(a -> a.state() == AlertState.FIRING && !a.suppressed() && !a.sentAt().isBefore(from)
                    && !a.sentAt().isAfter(to))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the fault was still in effect at {@code when}: its undo in the plan comes later. */
    private boolean stillOnAt(Applied f, Instant when) {
        Instant t0 = start;
        return plan.faults().stream().filter(p -> p.line().equals(f.line()) && t0.plus(p.at()).equals(f.at()))
                .anyMatch(p -> !t0.plus(p.undoneAt()).isBefore(when));
    }

    private static boolean paged(Map<String, Alert> firing, String vm, String resource) {
        return firing.values().stream().anyMatch(a -> (!vm.isEmpty() && vm.equals(a.labels().get("vm")))
                || resource.equals(a.labels().get("resource")));
    }

    /** The pages still firing at the end, not suppressed, by fingerprint: the latest record of each decides. */
    private static Map<String, Alert> firingAtEnd(FailoverRig rig) {
        Map<String, Alert> last = new HashMap<>();
        List<Alert> all = new ArrayList<>(rig.alerts());
        all.addAll(rig.pages());
        all.sort(Comparator.comparing(Alert::sentAt));
        for (Alert a : all) {
            last.put(a.fingerprint(), a);
        }
        Map<String, Alert> firing = new HashMap<>();
        last.forEach((fp, a) -> {
            if (a.state() == AlertState.FIRING && !a.suppressed() && "critical".equals(a.labels().get("severity"))) {
                firing.put(fp, a);
            }
        });
        return firing;
    }

    private String seconds(Instant at) {
        return Duration.between(start, at).toSeconds() + " s";
    }

    private String state(SimulatedPair pair) {
        StringBuilder s = new StringBuilder();
        for (SimulatedHost h : pair.hosts()) {
            s.append(h.name()).append(h.isUp() ? "" : " (down)").append(": ");
            for (String r : new TreeMap<>(cluster.resources()).keySet()) {
                s.append(r).append(' ').append(h.role(r).wire()).append('/').append(h.disk(r).wire()).append(' ');
            }
            s.append("runs ").append(h.runningVmNames()).append("; ");
        }
        return s.toString().strip();
    }
}
