package io.vigil.lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every shipped scenario folder replayed on the simulated clock and its timeline diffed against
 * its {@code expected} file, as Proxmox's HA manager tests diff {@code log.expect}. A story that
 * changes shows the first lines that differ; its new timeline is written beside the build
 * ({@code target/scenarios/NAME.timeline}) to be read, and, once read and found right, copied over
 * {@code expected} (or run with {@code -Dvigil.scenarios.write=true} to write them all).
 */
class ScenarioFolderTest {
    private static final Path SOURCE = Path.of("src/main/resources/io/vigil/lab/scenarios");
    private static final Path OUT = Path.of("target/scenarios");

    @TempDir
    static Path work;

    @TestFactory
    Stream<DynamicTest> everyScenarioPlaysAsExpected() {
        return ScenarioLoader.shipped().stream().map(name -> DynamicTest.dynamicTest(name, () -> play(name)));
    }

    private static void play(String name) throws Exception {
        Scenario scenario = ScenarioLoader.load(name);
        ScenarioReport report = ScenarioRunner.play(scenario, Files.createDirectories(work.resolve(name)));
        Files.createDirectories(OUT);
        Files.write(OUT.resolve(name + ".timeline"), report.timeline());
        if (Boolean.getBoolean("vigil.scenarios.write")) {
            Files.write(SOURCE.resolve(name).resolve("expected"), report.timeline());
            return;
        }
        assertTrue(report.violations().isEmpty(), name + " broke invariants: " + report.violations());
        List<String> expected = scenario.expected()
                .orElseThrow(() -> new AssertionError(name + " has no expected file; read "
                        + OUT.resolve(name + ".timeline") + " and, if right, copy it to "
                        + SOURCE.resolve(name).resolve("expected")));
        diff(name, expected, report.timeline());
    }

    private static void diff(String name, List<String> expected, List<String> actual) {
        int n = Math.max(expected.size(), actual.size());
        for (int i = 0; i < n; i++) {
            String e = i < expected.size() ? expected.get(i) : "(nothing)";
            String a = i < actual.size() ? actual.get(i) : "(nothing)";
            if (!e.equals(a)) {
                StringBuilder around = new StringBuilder();
                for (int j = Math.max(0, i - 3); j < Math.min(actual.size(), i + 6); j++) {
                    around.append(j == i ? "  > " : "    ")
                            .append(actual.get(j))
                            .append('\n');
                }
                fail(name + ": the timeline differs at line " + (i + 1) + "\n  expected: " + e + "\n  actual:   " + a
                        + "\n around it, as played:\n" + around + " the whole timeline: "
                        + OUT.resolve(name + ".timeline"));
            }
        }
    }

    @Test
    void aWatchThatSaysStopEndsTheStoryAtThatStep() throws Exception {
        Scenario scenario = ScenarioLoader.load("disk-failure");
        int[] steps = {0};
        ScenarioReport report = ScenarioRunner.play(
                scenario, Files.createDirectories(work.resolve("stopped")), new ScenarioRunner.StepWatch() {
                    @Override
                    public void stepped(Stage stage) {
                        steps[0]++;
                    }

                    @Override
                    public boolean stop() {
                        return steps[0] >= 10;
                    }
                });
        assertEquals(10, steps[0]);
        assertTrue(
                report.timeline().stream().noneMatch(l -> l.contains("disk-replace")),
                "stopped before the replacement");
    }

    @Test
    void theIndexListsEveryFolderAndEveryFolderIsInTheIndex() throws IOException {
        TreeSet<String> folders = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(SOURCE)) {
            dirs.filter(Files::isDirectory)
                    .forEach(d -> folders.add(d.getFileName().toString()));
        }
        assertEquals(folders, new TreeSet<>(ScenarioLoader.shipped()));
    }
}
