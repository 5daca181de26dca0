package io.vigil.lab.chaos;

import io.vigil.lab.scenario.LivePlay;
import io.vigil.lab.scenario.ScenarioReport;
import io.vigil.lab.scenario.ScenarioRunner;
import io.vigil.lab.scenario.ScenarioStep;
import io.vigil.lab.scenario.Stage;
import io.vigil.service.config.ConfigException;
import io.vigil.service.topology.ClusterTopology;
import io.vigil.service.topology.TopologyLoader;
import io.vigil.sim.FaultOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Plays chaos runs on the lab's topology: each run's plan from (seed, run), played by the scenario
 * runner (the rule pack, the saga and the executors on the simulated pair and clock), watched for
 * the invariants, and turned into a verdict.
 */
public final class ChaosCampaign {
    private static final String TOPOLOGY = "/io/vigil/lab/lab-topology.yaml";
    private final String topologyText;
    private final ClusterTopology cluster;

    public ChaosCampaign() {
        try (InputStream in = ChaosCampaign.class.getResourceAsStream(TOPOLOGY)) {
            topologyText = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            cluster = TopologyLoader.parse("lab-topology.yaml", topologyText)
                    .topology()
                    .clusters()
                    .values()
                    .iterator()
                    .next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new IllegalStateException("the lab's own topology is broken: " + e.getMessage(), e);
        }
    }

    public ChaosPlan plan(long seed, int run) {
        return ChaosSchedule.plan(seed, run, "lab-topology.yaml", topologyText);
    }

    /** Plays run {@code run} of {@code seed} with its executors' journals under {@code work} (emptied after). */
    public ChaosVerdict play(long seed, int run, Path work) throws IOException, InterruptedException {
        return play(plan(seed, run), work);
    }

    /** The same for a plan made by hand (a story kept from a run, replayed under the watch). */
    public ChaosVerdict play(ChaosPlan plan, Path work) throws IOException, InterruptedException {
        int run = plan.run();
        Path dir = Files.createDirectories(work.resolve("run-" + run));
        try {
            ChaosWatch watch = new ChaosWatch(plan, cluster);
            Capture last = new Capture(watch);
            ScenarioReport report = ScenarioRunner.play(plan.scenario(), dir, last);
            return watch.verdict(last.stage, report.violations(), report.timeline());
        } finally {
            delete(dir);
        }
    }

    /**
     * Plays run {@code run} of {@code seed} on the live lab instead (see {@link LivePlay}): on the
     * wall clock, so it takes its schedule's own time (about ten minutes), with the broker stopped
     * for real, the engine in its own JVM killed with SIGKILL, and the pages at a webhook receiver.
     */
    public ChaosVerdict playLive(long seed, int run, Path work, Consumer<String> progress)
            throws IOException, InterruptedException {
        return playLive(plan(seed, run), work, progress);
    }

    /** The same for a plan made by hand (a test's short one). */
    public ChaosVerdict playLive(ChaosPlan plan, Path work, Consumer<String> progress)
            throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("live-run-" + plan.run()));
        ChaosWatch watch = new ChaosWatch(plan, cluster);
        Capture last = new Capture(watch);
        ScenarioReport report = LivePlay.play(plan.scenario(), dir, progress, last);
        ChaosVerdict verdict = watch.verdict(last.stage, report.violations(), report.timeline());
        if (verdict.held()) {
            delete(dir);
        } else {
            // the lab's, the engine's and the agents' logs of a run that broke something are what explains it
            progress.accept("run " + plan.run() + " broke an invariant: its lab's data and logs are kept in " + dir);
        }
        return verdict;
    }

    /** Plays runs 1 to {@code runs} of {@code seed}, telling {@code each} every verdict as it comes. */
    public ChaosReport campaign(long seed, int runs, Path work, Consumer<ChaosVerdict> each)
            throws IOException, InterruptedException {
        ChaosReport.Builder report = new ChaosReport.Builder(seed);
        for (int run = 1; run <= runs; run++) {
            ChaosVerdict verdict = play(seed, run, work);
            report.add(verdict);
            each.accept(verdict);
        }
        return report.build();
    }

    /** Passes the steps on to the watch and keeps the stage, which the verdict reads at the end. */
    private static final class Capture implements ScenarioRunner.StepWatch {
        private final ChaosWatch watch;
        private Stage stage;

        Capture(ChaosWatch watch) {
            this.watch = watch;
        }

        @Override
        public void applied(ScenarioStep step, Optional<FaultOutcome> outcome, Stage stage) {
            this.stage = stage;
            watch.applied(step, outcome, stage);
        }

        @Override
        public void stepped(Stage stage) {
            this.stage = stage;
            watch.stepped(stage);
        }

        @Override
        public boolean stop() {
            return watch.stop();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
