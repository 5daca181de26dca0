package io.vigil.lab.chaos;

import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.lab.scenario.Scenario;
import io.vigil.lab.scenario.ScenarioRunner;
import io.vigil.lab.scenario.ScenarioStep;
import io.vigil.lab.scenario.Stage;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.ResourceTopology;
import io.vigil.sim.FaultOutcome;
import io.vigil.sim.SimulatedHost;
import io.vigil.sim.SimulatedPair;
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
    /**
     * A page resolved this soon after it was sent, with nothing in the run changed in between (no fault, undo, command,
     * agent, broker or engine step), was noise: the engine paged on a fact its next report took back. 30 s: a human woken
     * by it has not yet looked when it is over (Alertmanager's default group_wait, in which it would not even have been
     * sent); and it is three of the lab agents' slowest polls (SMART and LVM every 10 s), so a page that waited for a
     * late report instead would have waited no longer than this.
     */
    static final Duration FLAPPING_PAGE = Duration.ofSeconds(30);
    /**
     * A step taken this shortly before a page counts as taken while it stood: its effect reaches the engine with the
     * agent's next report (DRBD's events2 streams it within a second), so a page sent in between rested on facts the
     * report in flight took back, because of the step (a disk replaced a second before a hold's page went out).
     */
    static final Duration REPORT_IN_FLIGHT = Duration.ofSeconds(2);

    static final String PAGE_FLAPPED = "page-resolved-within-" + FLAPPING_PAGE.toSeconds() + "s";
    private static final String FLAP = "disk-flap";

    private final ChaosPlan plan;
    private final ClusterTopology cluster;
    private final Map<String, String> resourceOf = new HashMap<>();
    private final List<Applied> faults = new ArrayList<>();
    private final Map<String, Double> downtime = new TreeMap<>();
    private final List<String> violations = new ArrayList<>();
    private Instant start;
    private boolean kafkaOut;
    private boolean engineAway;
    private Instant lastStep;
    private Optional<String> brokenAt = Optional.empty();
    private final java.util.Set<String> agentsOut = new java.util.HashSet<>();
    private final java.util.Set<ChaosPlan.Injected> flapsBegun = new java.util.HashSet<>();
    /**
     * Kafka's outages and the engine's absences, [away, back]: no page can leave while the broker or
     * the engine is away, so a deadline runs from its return.
     */
    private final List<Instant[]> outages = new ArrayList<>();

    /** @param settles from when the pair serving every VM again counts as its recovery: a flapping disk's last failure */
    private record Applied(String kind, String line, Instant at, boolean seen, String node, Instant settles) {}

    private final Map<Applied, Instant> recovered = new LinkedHashMap<>();
    /** When each step of the schedule was applied: a page that resolves after one may have been undone by it. */
    private final List<Instant> changes = new ArrayList<>();

    ChaosWatch(ChaosPlan plan, ClusterTopology cluster) {
        this.plan = plan;
        this.cluster = cluster;
        for (ResourceTopology r : cluster.resources().values()) {
            r.vms().forEach(vm -> resourceOf.put(vm, r.name()));
        }
    }

    @Override
    public void applied(ScenarioStep step, Optional<FaultOutcome> outcome, Stage stage) {
        Instant now = stage.now();
        changes.add(now);
        if (start == null) {
            start = now.minusMillis(Math.round(stage.secondsSinceStart(now) * 1000)); // the story's own start
        }
        String line;
        if (step instanceof ScenarioStep.InjectFault f
                && outcome.map(FaultOutcome::applied).orElse(false)) {
            line = f.fault();
        } else if (step instanceof ScenarioStep.RestartEngine || step instanceof ScenarioStep.CrashEngine) {
            line = step.describe();
            // a new instance takes over: it counts a silence from then (its grace, then the rule's wait), so a page's
            // deadline
            // runs from there even when the restart took no time at all
            outages.add(new Instant[] {now, now});
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
                closeLatestOutage(now);
            }
            return;
        }
        String kind = line.split(" ")[0];
        if (isUndo(kind)) {
            return;
        }
        Instant settles = now;
        Optional<ChaosPlan.Injected> flap = flapOf(line, now);
        if (flap.isPresent()) {
            if (!flapsBegun.add(flap.get())) {
                return; // the flapping disk failing again: the same fault, not a new one
            }
            kind = flap.get().kind();
            settles = start.plus(failures(flap.get()).get(failures(flap.get()).size() - 1));
        }
        String[] words = line.split(" ");
        String node = words.length > 1 ? words[1] : "";
        // a disk that fails in a host that is down is seen when the host is back: no page can be due before
        // and one that fails while the host's agent is dead is seen when the agent starts again
        boolean seen = !line.startsWith("disk-fail ")
                || (stage.pair().host(node).map(SimulatedHost::isUp).orElse(true) && !agentsOut.contains(node));
        faults.add(new Applied(kind, line, now, seen, node, settles));
    }

    /** The planned flapping disk a disk failure at {@code now} belongs to: the same disk, between its first failure and its last replacement. */
    private Optional<ChaosPlan.Injected> flapOf(String line, Instant now) {
        Duration since = Duration.between(start, now);
        return plan.faults().stream()
                .filter(p -> p.kind().equals(FLAP) && p.line().equals(line))
                .filter(p -> !since.minus(p.at()).isNegative()
                        && !p.undoneAt().minus(since).isNegative())
                .findFirst();
    }

    /** When a flapping disk fails, in the plan's time: each of its failures. */
    private List<Duration> failures(ChaosPlan.Injected flap) {
        return plan.scenario().schedule().stream()
                .filter(t -> t.step() instanceof ScenarioStep.InjectFault f
                        && f.fault().equals(flap.line()))
                .map(Scenario.Timed::at)
                .filter(at -> !at.minus(flap.at()).isNegative()
                        && !flap.undoneAt().minus(at).isNegative())
                .toList();
    }

    /** When a flapping disk is first replaced, in the plan's time: the end of its first failure. */
    private Duration firstReplaced(ChaosPlan.Injected flap) {
        String replace = "disk-replace " + flap.line().substring("disk-fail ".length());
        return plan.scenario().schedule().stream()
                .filter(t -> t.step() instanceof ScenarioStep.InjectFault f
                        && f.fault().equals(replace))
                .map(Scenario.Timed::at)
                .filter(at -> at.compareTo(flap.at()) > 0)
                .min(Comparator.naturalOrder())
                .orElse(flap.undoneAt());
    }

    private void closeLatestOutage(Instant now) {
        for (int i = outages.size() - 1; i >= 0; i--) {
            if (outages.get(i)[1] == null) {
                outages.get(i)[1] = now;
                return;
            }
        }
    }

    private static boolean isUndo(String kind) {
        return List.of(
                        "disk-replace",
                        "host-up",
                        "link-restore",
                        "fence-honest",
                        "fence-repaired",
                        "migration-works",
                        "slow-tool-off",
                        "memory-freed")
                .contains(kind);
    }

    /** A run stops at its first broken safety invariant: what follows a broken invariant proves nothing more. */
    @Override
    public boolean stop() {
        return brokenAt.isPresent();
    }

    @Override
    public void stepped(Stage stage) {
        SimulatedPair pair = stage.pair();
        Instant now = stage.now();
        if (brokenAt.isEmpty() && !stage.violations().isEmpty()) {
            brokenAt = Optional.of("the state when it broke: " + state(pair));
        }
        // an engine being replaced pages nobody: like Kafka's outages, its absence moves a page's deadline
        if (!stage.engineServing() && !engineAway) {
            engineAway = true;
            outages.add(new Instant[] {now, null});
        } else if (stage.engineServing() && engineAway) {
            engineAway = false;
            closeLatestOutage(now);
        }
        boolean whole = servesEveryVm(pair);
        for (Applied f : faults) {
            if (!recovered.containsKey(f) && whole && !now.isBefore(f.settles())) {
                recovered.put(f, now);
            }
        }
        Optional<Applied> latest =
                faults.stream().filter(f -> !f.at().isAfter(now)).max(Comparator.comparing(Applied::at));
        // a step of the rig is a second; the live lab's checks come four times a second: each counts the time since the
        // last
        double seconds =
                lastStep == null ? 1.0 : Duration.between(lastStep, now).toMillis() / 1000.0;
        lastStep = now;
        for (String vm : cluster.vms().keySet()) {
            if (pair.hostsRunning(vm).isEmpty() && latest.isPresent()) {
                downtime.merge(latest.get().kind(), seconds, Double::sum);
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
            if (!primary.isUp()
                    || primary.disk(r.name()) != DiskState.UP_TO_DATE
                    || primary.role(r.name()) != DrbdRole.PRIMARY) {
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
    ChaosVerdict verdict(Stage stage, List<String> rigViolations, List<String> timeline) {
        SimulatedPair pair = stage.pair();
        violations.addAll(rigViolations);
        if (brokenAt.isPresent() && !violations.isEmpty()) {
            // stopped at the step that broke it, whose state the violation carries: the end-of-run checks would judge a
            // run
            // that did not end
            int last = violations.size() - 1;
            violations.set(last, violations.get(last) + "; " + brokenAt.get());
            return new ChaosVerdict(plan, Map.of(), Map.of(), Map.of(), 0, violations, timeline);
        }
        Map<String, Stage.Paged> firing = firingAtEnd(stage);
        for (String vm : cluster.vms().keySet()) {
            String resource = resourceOf.get(vm);
            if (pair.hostsRunning(vm).size() != 1 && !paged(firing, vm, resource)) {
                violations.add(VM_LEFT_SILENTLY + " at the end: " + vm + " runs on " + pair.hostsRunning(vm)
                        + " and no page names it or " + resource + " (" + state(pair) + ")");
            }
        }
        for (String resource : cluster.resources().keySet()) {
            if (pair.primariesOf(resource).size() != 1 && !paged(firing, "", resource)) {
                violations.add(RESOURCE_LEFT_SILENTLY + " at the end: " + resource + " is Primary on "
                        + pair.primariesOf(resource) + " and no page names it (" + state(pair) + ")");
            }
        }
        checkDeadlines(stage);
        checkFlappingPages(stage.paged());
        Map<String, Integer> applied = new TreeMap<>();
        Map<String, List<Double>> recoveries = new TreeMap<>();
        int unrecovered = 0;
        for (Applied f : faults) {
            applied.merge(f.kind(), 1, Integer::sum);
            Instant back = recovered.get(f);
            if (back == null) {
                unrecovered++;
            } else {
                recoveries
                        .computeIfAbsent(f.kind(), k -> new ArrayList<>())
                        .add(Duration.between(f.at(), back).toMillis() / 1000.0);
            }
        }
        return new ChaosVerdict(plan, applied, recoveries, downtime, unrecovered, violations, timeline);
    }

    private void checkDeadlines(Stage stage) {
        List<Stage.Paged> sent = stage.paged();
        for (Applied f : faults) {
            Duration deadline;
            if ((f.kind().equals("disk-fail") || f.kind().equals(FLAP))
                    && f.line().endsWith("/dev/sda")) {
                deadline = DISK_PAGE_DEADLINE;
            } else if (f.kind().equals("host-down")) {
                deadline = HOST_PAGE_DEADLINE;
            } else {
                continue;
            }
            Instant due = f.at().plus(deadline);
            // in the order they began, each outage that began before the page was due moves it to its end: later, never
            // sooner (an engine restart within a Kafka outage ends before Kafka's return, and the deadline still runs
            // from that)
            for (Instant[] outage : outages.stream()
                    .sorted(java.util.Comparator.comparing((Instant[] o) -> o[0]))
                    .toList()) {
                if (outage[1] == null && !outage[0].isAfter(due)) {
                    due = Instant.MAX; // still away at the end: nothing could be paged
                } else if (outage[1] != null && !outage[0].isAfter(due) && !outage[1].isBefore(f.at())) {
                    Instant moved = outage[1].plus(deadline);
                    due = moved.isAfter(due) ? moved : due;
                }
            }
            if (due.equals(Instant.MAX)) {
                continue;
            }
            if (!f.seen() || due.isAfter(stage.now()) || !stillOnAt(f, due)) {
                continue; // the run ended first, or the fault was undone before a page was due
            }
            boolean paged = firingDuring(sent, f.node(), f.at(), due);
            if (!paged) {
                violations.add(PAGE_LATE + ": " + f.line() + " at " + seconds(f.at()) + " was not paged within "
                        + deadline.toSeconds() + " s");
            }
        }
    }

    /**
     * Every page that resolved within {@link #FLAPPING_PAGE} of being sent while nothing in the run changed: from the first
     * record of an alert that paged to the resolve that ended it (a record held back between them neither pages nor
     * resolves it; a resend is the same page).
     */
    private void checkFlappingPages(List<Stage.Paged> sent) {
        Map<String, List<Stage.Paged>> byAlert = new LinkedHashMap<>();
        sent.stream()
                .sorted(Comparator.comparing(Stage.Paged::at))
                .forEach(a ->
                        byAlert.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(a));
        for (List<Stage.Paged> records : byAlert.values()) {
            Optional<Stage.Paged> paged = Optional.empty();
            for (Stage.Paged a : records) {
                if (a.firing() && paged.isEmpty()) {
                    paged = Optional.of(a);
                } else if (a.resolved()) {
                    paged.filter(p -> Duration.between(p.at(), a.at()).compareTo(FLAPPING_PAGE) < 0
                                    && !changedDuring(p.at().minus(REPORT_IN_FLIGHT), a.at()))
                            .ifPresent(p -> violations.add(
                                    PAGE_FLAPPED + ": " + p.labels().getOrDefault("alertname", p.key()) + " "
                                            + new TreeMap<>(p.labels()) + " paged at " + seconds(p.at())
                                            + " and resolved at " + seconds(a.at())
                                            + ", nothing in the run changed in between"));
                    paged = Optional.empty();
                }
            }
        }
    }

    /** Whether a step of the schedule was applied during [from, to]. */
    private boolean changedDuring(Instant from, Instant to) {
        return changes.stream().anyMatch(at -> !at.isBefore(from) && !at.isAfter(to));
    }

    /**
     * Whether a critical page about {@code node} fired during [from, to]: one that fired then, or
     * one that already fired before and had not resolved (a host down again before its first
     * silence resolved is still paged by it).
     */
    private static boolean firingDuring(List<Stage.Paged> sent, String node, Instant from, Instant to) {
        Map<String, List<Stage.Paged>> byAlert = new HashMap<>();
        sent.stream()
                .filter(a -> node.equals(a.labels().get("node")))
                .sorted(Comparator.comparing(Stage.Paged::at))
                .forEach(a ->
                        byAlert.computeIfAbsent(a.key(), k -> new ArrayList<>()).add(a));
        for (List<Stage.Paged> records : byAlert.values()) {
            Optional<Stage.Paged> before =
                    records.stream().filter(a -> a.at().isBefore(from)).reduce((a, b) -> b);
            if (before.isPresent() && before.get().firing()) {
                return true;
            }
            if (records.stream().anyMatch(a -> a.firing() && !a.at().isBefore(from) && !a.at().isAfter(to))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the fault was still in effect at {@code when}: its undo in the plan comes later. */
    private boolean stillOnAt(Applied f, Instant when) {
        Instant t0 = start;
        // the planned fault it was: on the rig it is applied at its very instant, on the live lab a moment later
        // a flapping disk's first failure ends at its first replacement
        return plan.faults().stream()
                .filter(p -> p.line().equals(f.line()) && p.kind().equals(f.kind()))
                .min(Comparator.comparing(
                        p -> Duration.between(t0.plus(p.at()), f.at()).abs()))
                .map(p -> !t0.plus(p.kind().equals(FLAP) ? firstReplaced(p) : p.undoneAt())
                        .isBefore(when))
                .orElse(false);
    }

    private static boolean paged(Map<String, Stage.Paged> firing, String vm, String resource) {
        return firing.values().stream()
                .anyMatch(a -> (!vm.isEmpty() && vm.equals(a.labels().get("vm")))
                        || resource.equals(a.labels().get("resource")));
    }

    /** The pages still firing at the end, not held back, by alert: the latest record of each decides. */
    private static Map<String, Stage.Paged> firingAtEnd(Stage stage) {
        Map<String, Stage.Paged> last = new HashMap<>();
        for (Stage.Paged a : stage.paged()) {
            last.put(a.key(), a);
        }
        Map<String, Stage.Paged> firing = new HashMap<>();
        last.forEach((key, a) -> {
            if (a.firing() && "critical".equals(a.labels().get("severity"))) {
                firing.put(key, a);
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
                s.append(r)
                        .append(' ')
                        .append(h.role(r).wire())
                        .append('/')
                        .append(h.disk(r).wire())
                        .append(' ');
            }
            s.append("runs ").append(h.runningVmNames()).append("; ");
        }
        return s.toString().strip();
    }
}
