package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * `vigil bench page --compare prometheus` on the lab, with a real Prometheus (tuned to 1 s) and a
 * real Alertmanager (default grouping: its 30 s group_wait is in every page) paging the same
 * receiver as Vigil: both ways delivered the incident's page, and the figures are printed. One
 * incident: a second waited out the first's recovery and a quiet lab, 45 to 90 s of CI's time,
 * and proves nothing the first does not.
 */
class PageBenchCompareTest {
    @Test
    void bothWaysPageTheSameReceiverAndTheFiguresArePrinted() {
        CommandOutput run = CommandOutput.run(
                "bench",
                "page",
                "--incidents",
                "1",
                "--compare",
                "prometheus",
                "--scrape-interval",
                "1s",
                "--evaluation-interval",
                "1s");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        String out = run.out();
        assertTrue(
                out.contains("each paged two ways to one receiver: Vigil's, and Prometheus (scrape 1s, evaluation 1s), "
                        + "Alertmanager (default grouping) started afresh for each"),
                out);
        Matcher vigil = Pattern.compile(
                        "Vigil \\(agent, Kafka, engine, notifier\\): p50 (\\d+) ms, p99 (\\d+) ms, max \\d+ ms \\(n=1\\)")
                .matcher(out);
        Matcher prometheus = Pattern.compile(
                        "Alertmanager \\(default grouping\\): p50 (\\d+) ms, p99 (\\d+) ms, max \\d+ ms \\(n=1\\)")
                .matcher(out);
        assertTrue(vigil.find(), out);
        assertTrue(prometheus.find(), out);
        // Alertmanager holds a new group's first notification for its group_wait: no page that way comes sooner
        assertTrue(Long.parseLong(prometheus.group(1)) >= 30_000, out);
        assertTrue(out.contains("Prometheus's way / Vigil's: p50 "), out);
    }
}
