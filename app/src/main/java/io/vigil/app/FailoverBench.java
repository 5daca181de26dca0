package io.vigil.app;

import io.vigil.events.ActionResult;
import io.vigil.events.AuditEntry;
import io.vigil.events.AuditKind;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.lab.Lab;
import io.vigil.lab.view.TopicFollower;
import io.vigil.sim.FaultOutcome;
import io.vigil.sim.SimulatedPair;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How long the failover of a dying disk takes, in the lab: each run starts a fresh lab, fails
 * node-a's /dev/sda and measures until every VM of r0 runs on node-b (the simulator's own word),
 * then splits the time, from the audit trail and the executors' results as Kafka carries them,
 * into Vigil's share and the tools'. A fresh lab per run: undoing one would take a full resync of
 * the replaced disk (20 GiB at 500 MiB/s) and the failback, and the lab's flap guard holds a
 * fourth failover in an hour, as it should. Measured and printed; nothing here fails on time.
 */
@picocli.CommandLine.Command(
        name = "failover",
        mixinStandardHelpOptions = true,
        description =
                "Disk failures in a fresh lab each: time from the failure to r0's VMs running on node-b, Vigil's share and the tools'")
final class FailoverBench implements Callable<Integer> {
    private static final String CLUSTER = "pair-1";
    private static final String RESOURCE = "r0";
    private static final List<String> VMS = List.of("web", "mail");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(
            names = "--runs",
            converter = AtLeastOne.class,
            description = "disk failures, each in a fresh lab (default ${DEFAULT-VALUE})")
    int runs = 5;

    /** One run: its timeline, or why none was recorded; the VMs' restarts. */
    record Run(Optional<FailoverTimeline> timeline, int restarts, String problem) {}

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "failover bench: %d runs, each in a fresh lab: node-a's /dev/sda fails, r0's VMs (%s) move to node-b%n",
                runs,
                String.join(", ", VMS));
        out.flush();
        List<Run> measured = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            Run run = once();
            measured.add(run);
            out.printf(
                    Locale.ROOT,
                    "  run %d: %s%n",
                    i,
                    run.timeline()
                            .map(t -> {
                                FailoverTimeline.Shares s = t.shares();
                                return String.format(
                                        Locale.ROOT,
                                        "%d ms to every VM on node-b (Vigil %d ms, tools %d ms), %d actions, %d restarts",
                                        s.total().toMillis(),
                                        s.vigil().toMillis(),
                                        s.tools().toMillis(),
                                        t.steps().size(),
                                        run.restarts());
                            })
                            .orElse("not measured: " + run.problem()));
            out.flush();
        }
        out.print(report(measured));
        out.flush();
        return measured.stream().allMatch(r -> r.timeline().isPresent()) ? 0 : 1;
    }

    private Run once() throws Exception {
        List<AuditEntry> audit = Collections.synchronizedList(new ArrayList<>());
        List<Envelope> telemetry = Collections.synchronizedList(new ArrayList<>());
        try (WorkDir dir = WorkDir.temporary("vigil-bench-failover-");
                Lab lab = Lab.start(dir.path());
                TopicFollower<AuditEntry> auditReader = new TopicFollower<>(
                                lab.broker().bootstrapServers(),
                                Topics.AUDIT,
                                b -> WireCodec.decode(b, AuditEntry.class),
                                audit::add)
                        .start();
                TopicFollower<Envelope> telemetryReader = new TopicFollower<>(
                                lab.broker().bootstrapServers(), Topics.TELEMETRY, EnvelopeCodec::decode, e -> {
                                    if (e.body() instanceof ActionResult || e.body() instanceof DrbdResource) {
                                        telemetry.add(e);
                                    }
                                })
                        .start()) {
            // the engine runs, and both hosts' heartbeats (memory) and VM reports reached Kafka before the failure:
            // without
            // them a saga would hold for want of memory figures, or know of no VM to move
            Condition.await(
                    () -> lab.engine().state().toString().equals("RUNNING")
                            && reported(lab, "node-a")
                            && reported(lab, "node-b"),
                    WAIT,
                    "the lab to settle");
            // the engine's tasks take a moment after RUNNING to have read what is on the topic
            Thread.sleep(2_000);
            SimulatedPair pair = lab.pair();
            Map<String, Integer> boots = VMS.stream().collect(Collectors.toMap(Function.identity(), pair::boots));
            Instant fault = Instant.now();
            FaultOutcome failed = lab.inject("disk-fail node-a /dev/sda");
            if (!failed.applied()) {
                return new Run(Optional.empty(), 0, "the fault was not applied: " + failed.message());
            }
            try {
                Condition.await(
                        () -> VMS.stream().allMatch(vm -> pair.hostsRunning(vm).equals(List.of("node-b"))),
                        WAIT,
                        "every VM of r0 to run on node-b");
            } catch (IllegalStateException e) {
                return new Run(Optional.empty(), 0, e.getMessage() + "; saga: " + lastAudit(audit));
            }
            Instant allMoved = Instant.now();
            int restarts =
                    VMS.stream().mapToInt(vm -> pair.boots(vm) - boots.get(vm)).sum();
            // the results of the actions issued before the VMs ran come back through Kafka a moment later
            Condition.await(
                    () -> issuedBefore(audit, allMoved).stream()
                            .allMatch(id -> result(telemetry, id).isPresent()),
                    Duration.ofSeconds(10),
                    "the executors' results");
            return new Run(Optional.of(timeline(fault, allMoved, audit, telemetry)), restarts, "");
        }
    }

    private static boolean reported(Lab lab, String node) {
        return lab.picture()
                .host(CLUSTER, node)
                .map(h -> h.heartbeat().isPresent() && !h.vms().isEmpty())
                .orElse(false);
    }

    private static List<String> issuedBefore(List<AuditEntry> audit, Instant moment) {
        synchronized (audit) {
            return audit.stream()
                    .filter(a ->
                            a.kind() == AuditKind.ACTION && a.resource().equals(RESOURCE) && a.at().isBefore(moment))
                    .flatMap(a -> a.actionId().stream())
                    .toList();
        }
    }

    private static Optional<Envelope> result(List<Envelope> telemetry, String actionId) {
        synchronized (telemetry) {
            return telemetry.stream()
                    .filter(e ->
                            e.body() instanceof ActionResult r && r.actionId().equals(actionId))
                    .findFirst();
        }
    }

    private static String lastAudit(List<AuditEntry> audit) {
        synchronized (audit) {
            return audit.isEmpty()
                    ? "no audit entry"
                    : audit.get(audit.size() - 1).phase() + ": "
                            + audit.get(audit.size() - 1).text();
        }
    }

    /** The run's timeline from what Kafka carried: the saga's entries (vigil.audit), the agent's events and results (vigil.telemetry). */
    static FailoverTimeline timeline(
            Instant fault, Instant allMoved, List<AuditEntry> audit, List<Envelope> telemetry) {
        List<AuditEntry> entries;
        synchronized (audit) {
            entries = audit.stream()
                    .filter(a -> a.resource().equals(RESOURCE) && !a.at().isBefore(fault))
                    .toList();
        }
        AuditEntry first =
                entries.stream().findFirst().orElseThrow(() -> new IllegalStateException("no saga of r0 began"));
        List<AuditEntry> saga =
                entries.stream().filter(a -> a.sagaId().equals(first.sagaId())).toList();
        List<FailoverTimeline.Step> steps = new ArrayList<>();
        for (AuditEntry sent : saga) {
            if (sent.kind() != AuditKind.ACTION
                    || sent.actionId().isEmpty()
                    || !sent.at().isBefore(allMoved)) {
                continue;
            }
            Envelope result = result(telemetry, sent.actionId().get())
                    .orElseThrow(() -> new IllegalStateException(
                            "no result of " + sent.actionId().get()));
            steps.add(new FailoverTimeline.Step(
                    sent.actionId().get(), sent.at(), result.ts(), ((ActionResult) result.body()).durationSeconds()));
        }
        Optional<Instant> event;
        synchronized (telemetry) {
            event = telemetry.stream()
                    .filter(e -> e.node().equals("node-a")
                            && !e.ts().isBefore(fault.minusMillis(50))
                            && e.body() instanceof DrbdResource r
                            && r.resource().equals(RESOURCE)
                            && r.devices().stream().anyMatch(d -> LOST.contains(d.disk())))
                    .map(Envelope::ts)
                    .findFirst();
        }
        return new FailoverTimeline(fault, event, first.at(), steps, allMoved);
    }

    private static final Set<DiskState> LOST = Set.of(DiskState.FAILED, DiskState.DISKLESS, DiskState.DETACHING);

    /** The figures over the runs that were measured. */
    static String report(List<Run> runs) {
        List<FailoverTimeline.Shares> shares = runs.stream()
                .flatMap(r -> r.timeline().stream())
                .map(FailoverTimeline::shares)
                .toList();
        StringBuilder out = new StringBuilder();
        if (shares.size() < runs.size()) {
            out.append(String.format(
                    Locale.ROOT,
                    "  %d of %d runs not measured (see above)%n",
                    runs.size() - shares.size(),
                    runs.size()));
        }
        out.append(String.format(
                Locale.ROOT,
                "  fault -> every VM of r0 running on node-b:      %s%n",
                of(shares, FailoverTimeline.Shares::total)));
        out.append(String.format(
                Locale.ROOT,
                "  Vigil's share:                                  %s (target p99 < 2 s)%n",
                of(shares, FailoverTimeline.Shares::vigil)));
        out.append(String.format(
                Locale.ROOT,
                "    detection: fault -> saga start:               %s%n",
                of(shares, FailoverTimeline.Shares::detection)));
        out.append(String.format(
                Locale.ROOT,
                "      of which fault -> the agent's event:        %s%n",
                Percentiles.of(shares.stream()
                        .flatMap(s -> s.toEvent().stream())
                        .map(Duration::toMillis)
                        .toList())));
        out.append(String.format(
                Locale.ROOT,
                "    decision: saga start -> first action:         %s%n",
                of(shares, FailoverTimeline.Shares::decision)));
        out.append(String.format(
                Locale.ROOT,
                "    delivery: action -> executor began, summed:   %s%n",
                of(shares, FailoverTimeline.Shares::delivery)));
        out.append(String.format(
                Locale.ROOT,
                "    results back: result -> next action, summed:  %s%n",
                of(shares, FailoverTimeline.Shares::resultsBack)));
        out.append(String.format(
                Locale.ROOT,
                "  the tools' own time (results' durations):      %s%n",
                of(shares, FailoverTimeline.Shares::tools)));
        List<Integer> restarts = runs.stream()
                .filter(r -> r.timeline().isPresent())
                .map(Run::restarts)
                .toList();
        out.append(String.format(
                Locale.ROOT,
                "  VM restarts: %d in all (live migration: 0 expected)%n",
                restarts.stream().mapToInt(Integer::intValue).sum()));
        return out.toString();
    }

    private static String of(List<FailoverTimeline.Shares> shares, Function<FailoverTimeline.Shares, Duration> figure) {
        return Percentiles.of(
                shares.stream().map(figure).map(Duration::toMillis).toList());
    }
}
