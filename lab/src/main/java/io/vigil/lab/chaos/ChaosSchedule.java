package io.vigil.lab.chaos;

import io.vigil.lab.scenario.Scenario;
import io.vigil.lab.scenario.ScenarioStep;
import io.vigil.service.config.ByteSize;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Draws a run's faults from (seed, run) alone, so that the same pair of numbers gives the same
 * schedule on any machine: one to four faults in the first six minutes, alone or overlapping, each
 * undone after a while (a flapping disk fails and comes back several times first), weighted as they happen (a disk or a host more often than a lying BMC),
 * with engine restarts and crashes among them. After the last fault is undone, an operator
 * approves what waits for approval (as a paged human would), and the pair gets a grace period to
 * recover before the end.
 */
public final class ChaosSchedule {
    static final Duration GRACE = Duration.ofMinutes(5);
    private static final String[] NODES = {"node-a", "node-b"};
    private static final String[] VMS = {"web", "mail", "db", "backup"};

    private enum Kind {
        DISK_FAIL(6),
        DISK_DYING(1),
        DISK_FLAP(1),
        HOST_DOWN(4),
        LINK_CUT(3),
        FENCE_LIES(1),
        FENCE_BROKEN(1),
        MIGRATION_FAILS(2),
        SLOW_TOOL(1),
        MEMORY_TAKEN(1),
        ENGINE_RESTART(2),
        ENGINE_CRASH(2),
        KAFKA_OUTAGE(2),
        AGENT_KILL(2);

        final int weight;

        Kind(int weight) {
            this.weight = weight;
        }
    }

    private ChaosSchedule() {}

    public static ChaosPlan plan(long seed, int run, String topologyFile, String topologyText) {
        // one stream per run, split from the seed: run K's schedule does not depend on runs before it
        SplittableRandom random = new SplittableRandom(new Random(seed).nextLong() ^ (0x9E3779B97F4A7C15L * (run + 1)));
        List<Scenario.Timed> steps = new ArrayList<>();
        List<ChaosPlan.Injected> faults = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        Duration stop = Duration.ZERO;
        for (int i = 0; i < count; i++) {
            Duration at = Duration.ofSeconds(5 + random.nextInt(355));
            Kind kind = draw(random);
            String node = NODES[random.nextInt(2)];
            Duration lasts = Duration.ofSeconds(20 + random.nextInt(220));
            if (kind == Kind.AGENT_KILL) {
                Duration back = at.plus(lasts);
                steps.add(new Scenario.Timed(at, 0, new ScenarioStep.Agent(node, false)));
                steps.add(new Scenario.Timed(back, 0, new ScenarioStep.Agent(node, true)));
                faults.add(new ChaosPlan.Injected("agent-kill", "agent-kill " + node, at, back));
                stop = back.compareTo(stop) > 0 ? back : stop;
                continue;
            }
            if (kind == Kind.DISK_FLAP) {
                Duration back = flap(node, at, random, steps);
                faults.add(new ChaosPlan.Injected("disk-flap", "disk-fail " + node + " /dev/sda", at, back));
                stop = back.compareTo(stop) > 0 ? back : stop;
                continue;
            }
            if (kind == Kind.KAFKA_OUTAGE) {
                Duration back = at.plus(lasts);
                steps.add(new Scenario.Timed(at, 0, new ScenarioStep.Kafka(false)));
                steps.add(new Scenario.Timed(back, 0, new ScenarioStep.Kafka(true)));
                faults.add(new ChaosPlan.Injected("kafka-outage", "kafka-down", at, back));
                stop = back.compareTo(stop) > 0 ? back : stop;
                continue;
            }
            Optional<String[]> pair = lines(kind, node, VMS[random.nextInt(VMS.length)], random);
            if (pair.isEmpty()) {
                steps.add(new Scenario.Timed(
                        at,
                        0,
                        kind == Kind.ENGINE_CRASH ? new ScenarioStep.CrashEngine() : new ScenarioStep.RestartEngine()));
                faults.add(new ChaosPlan.Injected(
                        kind == Kind.ENGINE_CRASH ? "engine-crash" : "engine-restart",
                        kind == Kind.ENGINE_CRASH ? "engine-crash" : "engine-restart",
                        at,
                        at));
                continue;
            }
            Duration undone = at.plus(lasts);
            steps.add(new Scenario.Timed(at, 0, new ScenarioStep.InjectFault(pair.get()[0])));
            steps.add(new Scenario.Timed(undone, 0, new ScenarioStep.InjectFault(pair.get()[1])));
            faults.add(new ChaosPlan.Injected(pair.get()[0].split(" ")[0], pair.get()[0], at, undone));
            stop = undone.compareTo(stop) > 0 ? undone : stop;
        }
        // a fault left behind by an overlap (a disk failed twice, its one replacement refused) is undone here, once and
        // for all
        Duration tidy = stop.plusSeconds(1);
        for (String undo : List.of(
                "disk-replace node-a /dev/sda",
                "disk-replace node-b /dev/sda",
                "host-up node-a",
                "host-up node-b",
                "link-restore",
                "fence-honest node-a",
                "fence-honest node-b",
                "fence-repaired node-a",
                "fence-repaired node-b",
                "slow-tool-off node-a",
                "slow-tool-off node-b",
                "memory-freed node-a",
                "memory-freed node-b")) {
            steps.add(new Scenario.Timed(tidy, 0, new ScenarioStep.InjectFault(undo)));
        }
        steps.add(new Scenario.Timed(tidy, 0, new ScenarioStep.Kafka(true)));
        steps.add(new Scenario.Timed(tidy, 0, new ScenarioStep.Agent("node-a", true)));
        steps.add(new Scenario.Timed(tidy, 0, new ScenarioStep.Agent("node-b", true)));
        // the paged human: approves what waits (held by the flap guard, stuck on a fence now repaired, awaiting
        // approval)
        Duration approve = stop.plusSeconds(60);
        steps.add(new Scenario.Timed(approve, 0, new ScenarioStep.Approve("r0")));
        steps.add(new Scenario.Timed(approve, 0, new ScenarioStep.Approve("r1")));
        Duration end = approve.plus(GRACE);
        steps.sort((a, b) -> a.at().compareTo(b.at()));
        Scenario scenario = new Scenario(
                "chaos-" + seed + "-" + run,
                "chaos run " + run + " of seed " + seed,
                topologyFile,
                topologyText,
                steps,
                Duration.ofSeconds(1),
                end,
                Optional.empty());
        return new ChaosPlan(seed, run, scenario, faults, tidy);
    }

    private static Kind draw(SplittableRandom random) {
        int total = 0;
        for (Kind k : Kind.values()) {
            total += k.weight;
        }
        int pick = random.nextInt(total);
        for (Kind k : Kind.values()) {
            pick -= k.weight;
            if (pick < 0) {
                return k;
            }
        }
        throw new AssertionError("weights add up");
    }

    /**
     * A disk that flaps: it fails and is replaced again, two to four times, each change 5 to 40 s
     * after the one before (as a loose backplane connector or a dying controller does, faster than
     * the flapping-disk story). Returns when it was replaced the last time.
     */
    private static Duration flap(String node, Duration at, SplittableRandom random, List<Scenario.Timed> steps) {
        int times = 2 + random.nextInt(3);
        Duration when = at;
        for (int i = 0; i < times; i++) {
            if (i > 0) {
                when = when.plusSeconds(5 + random.nextInt(36));
            }
            steps.add(new Scenario.Timed(when, 0, new ScenarioStep.InjectFault("disk-fail " + node + " /dev/sda")));
            when = when.plusSeconds(5 + random.nextInt(36));
            steps.add(new Scenario.Timed(when, 0, new ScenarioStep.InjectFault("disk-replace " + node + " /dev/sda")));
        }
        return when;
    }

    /** The fault's line and the line that undoes it; empty for an engine restart or crash, which undo themselves. */
    private static Optional<String[]> lines(Kind kind, String node, String vm, SplittableRandom random) {
        return switch (kind) {
            case DISK_FAIL ->
                Optional.of(new String[] {"disk-fail " + node + " /dev/sda", "disk-replace " + node + " /dev/sda"});
            case DISK_DYING ->
                Optional.of(new String[] {"disk-dying " + node + " /dev/sda", "disk-replace " + node + " /dev/sda"});
            case HOST_DOWN -> Optional.of(new String[] {"host-down " + node, "host-up " + node});
            case LINK_CUT -> Optional.of(new String[] {"link-cut", "link-restore"});
            case FENCE_LIES -> Optional.of(new String[] {"fence-lies " + node, "fence-honest " + node});
            case FENCE_BROKEN -> Optional.of(new String[] {"fence-broken " + node, "fence-repaired " + node});
            case MIGRATION_FAILS -> Optional.of(new String[] {"migration-fails " + vm, "migration-works " + vm});
            case SLOW_TOOL ->
                Optional.of(
                        new String[] {"slow-tool " + node + " " + (5 + random.nextInt(56)), "slow-tool-off " + node});
            // 1 to 4 GiB by 512 MiB: from a squeeze to more than a whole host's spare memory beside its own VMs
            case MEMORY_TAKEN ->
                Optional.of(new String[] {
                    "memory-taken " + node + " " + ByteSize.format((1024L + 512 * random.nextInt(7)) << 20),
                    "memory-freed " + node
                });
            case ENGINE_RESTART, ENGINE_CRASH, KAFKA_OUTAGE, AGENT_KILL, DISK_FLAP -> Optional.empty();
        };
    }
}
