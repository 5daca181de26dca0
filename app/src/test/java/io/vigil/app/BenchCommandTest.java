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
        assertTrue(
                run.err()
                        .contains(
                                "--scrape-interval and --evaluation-interval set Prometheus's; they need --compare prometheus"),
                run.err());
        CommandOutput other = CommandOutput.run("bench", "page", "--compare", "nagios");
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(
                other.err().contains("Invalid value for option '--compare': expected one of [prometheus]"),
                other.err());
    }

    @Test
    void theFloodBenchPrintsItsFiguresAndTheRealFailureAlerted() {
        CommandOutput run = CommandOutput.run("bench", "flood", "--alerts", "400", "--steps", "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(
                run.out().contains("(baseline)")
                        && run.out().lines().anyMatch(l -> l.strip().startsWith("400 ")),
                run.out());
        assertTrue(run.out().contains("a real node's disk failure with 400 alerts held: alerted"), run.out());
        CommandOutput none = CommandOutput.run("bench", "flood", "--alerts", "0");
        assertEquals(2, none.exitCode(), none.err());
    }

    @Test
    void theHistoryBenchStoresEveryReportOnceThroughBothPathsAndTimesTheQuestions(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        CommandOutput run = CommandOutput.run(
                "bench", "history", "--days", "3", "--resources", "2", "--queries", "3", "--dir", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        // 3 days of 10 s samples for 2 resources: 51,840 reports, each a row, through the sink and through the bare
        // appender
        assertTrue(run.out().contains("= 51,840 reports"), run.out());
        for (String file : new String[] {"sink.duckdb", "bare-appender.duckdb"}) {
            try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:duckdb:" + dir.resolve(file));
                    java.sql.ResultSet rs = db.createStatement()
                            .executeQuery("SELECT count(*), count(DISTINCT seq) FROM replication_samples")) {
                rs.next();
                assertEquals(51_840, rs.getLong(1), file + ": every report a row");
                assertEquals(51_840, rs.getLong(2), file + ": none twice");
            }
        }
        assertTrue(run.out().contains("rows/s (") && run.out().contains("of the baseline"), run.out());
        // the workload's outages end in resyncs, which the sink made episodes of, and the questions were answered
        assertTrue(run.out().lines().anyMatch(l -> l.matches(".* [1-9][0-9]* resync episodes")), run.out());
        assertTrue(
                run.out()
                                .lines()
                                .filter(l -> l.contains("p50 ") && l.contains("(n=3)"))
                                .count()
                        == 3,
                run.out());
    }
}
