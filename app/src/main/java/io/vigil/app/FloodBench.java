package io.vigil.app;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.Envelope;
import io.vigil.events.SmartctlFlag;
import io.vigil.rules.engine.EngineLimits;
import io.vigil.rules.engine.EngineTables;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.EvaluationListener;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.engine.RuleEvaluator;
import io.vigil.rules.engine.Suppression;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.rule.RuleSet;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Issue 7's flood, on the evaluator alone (the default pack, tables in memory, no Kafka): nodes
 * of pair-1 that the config does not list each send a failed disk, with the limits raised so that
 * every one becomes an alert held. At each step it prints what an event and a tick cost with that
 * many alerts, beside the same figures with none (the baseline): flat figures per alert are what
 * linear means. Then a real node's disk fails, and the time to its alert is printed.
 */
@picocli.CommandLine.Command(
        name = "flood",
        mixinStandardHelpOptions = true,
        description =
                "Event and tick cost of the evaluator as unknown nodes' alerts pile up, against the cost with none")
final class FloodBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--alerts",
            converter = AtLeastOne.class,
            description = "unknown nodes' alerts to pile up (default ${DEFAULT-VALUE})")
    int alerts = 10_000;

    @Option(
            names = "--steps",
            converter = AtLeastOne.class,
            description = "steps to measure at on the way (default ${DEFAULT-VALUE})")
    int steps = 4;

    private static final int PROBES = 1_000;
    private static final int TICKS = 21;
    private static final Instant T0 = Instant.parse("2026-12-01T03:00:00Z");
    private static final Roster PAIR =
            new Roster(Map.of("pair-1", new Roster.ClusterSpec(List.of("node-a", "node-b"), Map.of())));

    private long seq;
    private Instant now = T0;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RuleSet rules = DefaultRulePack.load();
        run(rules, alerts, steps, null);
        out.printf(
                Locale.ROOT,
                "flood bench: the default pack (%d rules), %,d nodes of pair-1 the config does not list, each sending a"
                        + " failed disk; tables in memory, no Kafka; after a warm-up round%n",
                rules.size(),
                alerts);
        out.printf(
                Locale.ROOT,
                "  %12s %16s %18s %20s %16s%n",
                "alerts held",
                "flood events/s",
                "tick ms (median)",
                "tick µs per alert",
                "real events/s");
        run(rules, alerts, steps, out);
        out.flush();
        return 0;
    }

    private void run(RuleSet rules, int total, int stepCount, PrintWriter out) {
        now = T0;
        RuleEvaluator evaluator = new RuleEvaluator(
                rules,
                PAIR,
                EngineTiming.DEFAULTS,
                new EngineLimits(total + PROBES + 100, total),
                EngineTables.inMemory(),
                new Suppression(List::of, rules.inhibitRules()),
                EvaluationListener.NONE,
                T0,
                cluster -> true);
        row(out, evaluator, 0, Double.NaN);
        int sent = 0;
        for (int step = 1; step <= stepCount; step++) {
            int until = (int) ((long) total * step / stepCount);
            long began = System.nanoTime();
            for (; sent < until; sent++) {
                evaluator.onEvent(event("unknown-" + sent, disk("/dev/sda", false)), advance());
            }
            row(
                    out,
                    evaluator,
                    sent,
                    (until - (double) (long) total * (step - 1) / stepCount) / ((System.nanoTime() - began) / 1e9));
        }
        long began = System.nanoTime();
        List<Alert> real = evaluator.onEvent(event("node-a", disk("/dev/sdz", false)), advance());
        double ms = (System.nanoTime() - began) / 1e6;
        boolean fired =
                real.stream().anyMatch(a -> a.rule().equals("DiskSmartFailing") && a.state() == AlertState.FIRING);
        if (out != null) {
            out.printf(
                    Locale.ROOT,
                    "  a real node's disk failure with %,d alerts held: %s in %.2f ms of evaluation%n",
                    sent,
                    fired ? "alerted" : "NOT alerted",
                    ms);
        }
    }

    /** The tick's cost and a real node's healthy events' rate, with {@code held} unknown nodes' alerts held. */
    private void row(PrintWriter out, RuleEvaluator evaluator, int held, double floodRate) {
        long[] ticks = new long[TICKS];
        for (int i = 0; i < TICKS; i++) {
            long began = System.nanoTime();
            evaluator.onTick(advance());
            ticks[i] = System.nanoTime() - began;
        }
        Arrays.sort(ticks);
        double tickMs = ticks[TICKS / 2] / 1e6;
        long began = System.nanoTime();
        for (int i = 0; i < PROBES; i++) {
            evaluator.onEvent(
                    event(i % 2 == 0 ? "node-a" : "node-b", disk("/dev/sd" + (char) ('a' + i % 4), true)), advance());
        }
        double realRate = PROBES / ((System.nanoTime() - began) / 1e9);
        if (out != null) {
            out.printf(
                    Locale.ROOT,
                    "  %,12d %16s %18.2f %20s %,16.0f%n",
                    held,
                    Double.isNaN(floodRate) ? "(baseline)" : String.format(Locale.ROOT, "%,.0f", floodRate),
                    tickMs,
                    held == 0 ? "-" : String.format(Locale.ROOT, "%.2f", tickMs * 1000 / held),
                    realRate);
        }
    }

    private Instant advance() {
        now = now.plusMillis(1);
        return now;
    }

    private Envelope event(String node, io.vigil.events.Body body) {
        return Envelope.of("pair-1", node, ++seq, now, body);
    }

    private static DiskHealth disk(String device, boolean passed) {
        return new DiskHealth(
                device,
                Optional.of("sat"),
                Optional.of("WDC WD40EFRX"),
                Optional.of("WD-1"),
                DiskProtocol.ATA,
                Optional.of(passed),
                passed ? 0 : 8,
                passed ? Set.of() : Set.of(SmartctlFlag.DISK_FAILING),
                Optional.of(0L),
                Optional.of(0L),
                Optional.of(0L),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.of(35.0),
                Optional.of(20_000L),
                List.of());
    }
}
