package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benches refuse bad figures on the command line as usage errors, before starting anything. */
class BenchCommandTest {
    @Test
    void aDurationThatIsNotOneIsAUsageError() {
        CommandOutput run = CommandOutput.run("bench", "engine", "--steady", "soon");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("'--steady': 'soon' is not a duration (use 500ms, 10s, 1m)"), run.err());
    }

    @Test
    void countsMustBeAtLeastOne() {
        CommandOutput clusters = CommandOutput.run("bench", "engine", "--clusters", "0");
        assertEquals(2, clusters.exitCode(), clusters.err());
        assertTrue(clusters.err().contains("'--clusters': 0 is too few (at least 1)"), clusters.err());
        CommandOutput incidents = CommandOutput.run("bench", "page", "--incidents", "-3");
        assertEquals(2, incidents.exitCode(), incidents.err());
        assertTrue(incidents.err().contains("'--incidents': -3 is too few"), incidents.err());
        CommandOutput runs = CommandOutput.run("bench", "failover", "--runs", "0");
        assertEquals(2, runs.exitCode(), runs.err());
        assertTrue(runs.err().contains("'--runs': 0 is too few"), runs.err());
        CommandOutput seconds = CommandOutput.run("bench", "parsers", "--seconds", "many");
        assertEquals(2, seconds.exitCode(), seconds.err());
        assertTrue(seconds.err().contains("'many' is not a whole number"), seconds.err());
    }

    @Test
    void prometheussIntervalsWithoutTheComparisonAreAUsageError() {
        CommandOutput run = CommandOutput.run("bench", "page", "--scrape-interval", "1s");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--scrape-interval and --evaluation-interval set Prometheus's; they need --compare prometheus"), run.err());
        CommandOutput other = CommandOutput.run("bench", "page", "--compare", "nagios");
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(other.err().contains("Invalid value for option '--compare': expected one of [prometheus]"), other.err());
    }

    @Test
    void theFloodBenchPrintsItsFiguresAndTheRealFailureAlerted() {
        CommandOutput run = CommandOutput.run("bench", "flood", "--alerts", "400", "--steps", "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("(baseline)") && run.out().lines().anyMatch(l -> l.strip().startsWith("400 ")), run.out());
        assertTrue(run.out().contains("a real node's disk failure with 400 alerts held: alerted"), run.out());
        CommandOutput none = CommandOutput.run("bench", "flood", "--alerts", "0");
        assertEquals(2, none.exitCode(), none.err());
    }
}
