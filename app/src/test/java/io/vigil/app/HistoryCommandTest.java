package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.WireCodec;
import io.vigil.history.DuckDbHistoryStore;
import io.vigil.history.api.HistoryApi;
import io.vigil.history.query.StoredResolutions;
import io.vigil.service.http.HttpEndpoint;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** vigil history against the history API served on 127.0.0.1 over a DuckDB file with known rows. */
class HistoryCommandTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final long H1 = NOW.minus(Duration.ofHours(2)).toEpochMilli();
    private static final long H2 = NOW.minus(Duration.ofHours(1)).toEpochMilli();

    @TempDir
    Path dir;

    private DuckDbHistoryStore db;
    private HttpEndpoint endpoint;

    @BeforeEach
    void serve() throws Exception {
        db = DuckDbHistoryStore.open(dir.resolve("history.duckdb"));
        try (Connection c = db.reader();
                Statement s = c.createStatement()) {
            // the first hour: round trips of 1, 2, 3 and 4 ms; the second: one of 10 ms and 3 MiB out of sync while
            // lagging
            double[] first = {0.001, 0.002, 0.003, 0.004};
            for (int i = 0; i < first.length; i++) {
                s.execute(sample(i, H1 + i * 10_000, first[i], 0, false));
            }
            s.execute(sample(9, H2 + 5_000, 0.010, 3L << 20, true));
            s.execute(
                    "INSERT INTO resync_episodes VALUES ('pair-1:r0:0:1', 'pair-1', 'r0', 0, 'node-b', 'node-a', 'node-a', "
                            + H2 + ", " + (H2 + 90_000)
                            + ", 3145728, 3145728, 34952.5, 52428.8, 'disk-replaced', 'done')");
            s.execute("INSERT INTO drbd_state_changes VALUES ('pair-1', 'node-a', 1, " + H2
                    + ", 'r0', 0, 'node-b', 'Secondary', 'Inconsistent',"
                    + " 'Connected', 'SyncTarget', 'UpToDate', 'Primary')");
            s.execute(
                    "INSERT INTO alert_changes VALUES ('pair-1', 'fp1', 'DrbdLocalDiskLost', 'critical', 'firing', 2, 'state',"
                            + " '{\"node\":\"node-a\",\"resource\":\"r0\"}', " + H1 + ", " + H1 + ", NULL, " + H1
                            + ")");
        }
        endpoint = HttpEndpoint.serve(
                new InetSocketAddress("127.0.0.1", 0),
                new HistoryApi(db::reader, StoredResolutions.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC)).routes());
    }

    private static String sample(long seq, long ts, double roundTrip, long outOfSync, boolean lagging) {
        return "INSERT INTO replication_samples VALUES ('pair-1', 'node-a', " + seq + ", " + ts
                + ", 'r0', 0, 'node-b', 'Primary', 'UpToDate'," + " 'Connected', 'Established', 'UpToDate', "
                + outOfSync + ", " + lagging + ", " + roundTrip + ", NULL, NULL, NULL, NULL)";
    }

    @AfterEach
    void close() throws Exception {
        endpoint.close();
        db.close();
    }

    private CommandOutput history(String... args) {
        List<String> all = new ArrayList<>(List.of("history"));
        all.addAll(List.of(args));
        all.addAll(List.of("--engine", endpoint.baseUrl()));
        return CommandOutput.run(all.toArray(String[]::new));
    }

    @Test
    void syncLatencyPrintsAReadableTableCsvAndJson() throws Exception {
        CommandOutput table = history("sync-latency", "--resource", "r0", "--since", "2h", "--step", "1h");
        assertEquals(0, table.exitCode(), table.err());
        List<String> lines = table.out().lines().toList();
        assertEquals(3, lines.size(), table.out());
        assertTrue(
                lines.get(0).startsWith("START")
                        && lines.get(0).contains("RTT p50")
                        && lines.get(0).contains("LAG max"),
                lines.get(0));
        assertTrue(
                lines.get(1)
                        .matches("2026-12-01 10:00:00\\s+4\\s+2\\.50ms\\s+3\\.97ms\\s+4\\.00ms\\s+-\\s+-\\s+-\\s+-.*"),
                lines.get(1));
        assertTrue(lines.get(2).contains("3.0MiB"), "the lagging bytes, readable: " + lines.get(2));

        CommandOutput csv =
                history("sync-latency", "--resource", "r0", "--since", "2h", "--step", "1h", "--format", "csv");
        List<String> rows = csv.out().lines().toList();
        assertTrue(rows.get(0).startsWith("start,samples,roundTripSeconds_count,roundTripSeconds_p50,"), rows.get(0));
        assertTrue(rows.get(1).startsWith("2026-12-01T10:00:00Z,4,4,0.0025,"), rows.get(1));

        CommandOutput json = history(
                "sync-latency",
                "--resource",
                "r0",
                "--since",
                "2026-12-01T10:00:00Z",
                "--step",
                "1h",
                "--format",
                "json");
        assertEquals(
                10.0 / 1000,
                WireCodec.json()
                        .readTree(json.out())
                        .path("steps")
                        .get(1)
                        .path("roundTripSeconds")
                        .path("max")
                        .asDouble(),
                1e-12);
    }

    @Test
    void syncLatencyPlotsItsP50AndP99AsLinesOnAxesWithUnits() throws Exception {
        Path svg = dir.resolve("r0.svg");
        CommandOutput run =
                history("sync-latency", "--resource", "r0", "--since", "2h", "--step", "1h", "--plot", svg.toString());
        assertEquals(0, run.exitCode(), run.err());

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertEquals("svg", doc.getDocumentElement().getTagName());
        // each step's point at its middle: 30 and 90 minutes into the 2 hours, across the plot's 90..750;
        // ms on a 0..10 axis from 330 up to 40: 2.5 ms at 257.5, 3.97 ms at 214.9, 10 ms at 40
        assertEquals("255.0,257.5 585.0,40.0", polyline(doc, "p50"));
        assertEquals("255.0,214.9 585.0,40.0", polyline(doc, "p99"));
        String text = Files.readString(svg);
        assertTrue(text.contains("replication round trip (ms)"), "the value axis says what and in which unit");
        assertTrue(text.contains("time (UTC)") && text.contains("12-01 10:00"), "the time axis is labelled");
    }

    private static String polyline(Document doc, String cls) {
        NodeList lines = doc.getElementsByTagName("polyline");
        for (int i = 0; i < lines.getLength(); i++) {
            Element e = (Element) lines.item(i);
            if (e.getAttribute("class").equals(cls)) {
                return e.getAttribute("points");
            }
        }
        throw new AssertionError("no polyline " + cls);
    }

    @Test
    void resyncsStatesAndAlertsPrintTheirTables() throws Exception {
        Path svg = dir.resolve("resyncs.svg");
        CommandOutput resyncs = history("resyncs", "--since", "90d", "--plot", svg.toString());
        assertEquals(0, resyncs.exitCode(), resyncs.err());
        String row = resyncs.out().lines().toList().get(1);
        assertTrue(
                row.matches(
                        "2026-12-01 11:00:00\\s+pair-1\\s+r0\\s+0\\s+node-b→node-a\\s+1m30s\\s+3\\.0MiB\\s+34\\.1KiB/s\\s+51\\.2KiB/s"
                                + "\\s+disk-replaced\\s+done"),
                row);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        assertEquals(
                1,
                doc.getElementsByTagName("rect").getLength() - 2,
                "one bar beside the background and the legend's swatch");
        assertTrue(Files.readString(svg).contains("resync duration (s)"));

        CommandOutput states = history("states", "--resource", "r0", "--since", "1d");
        assertTrue(
                states.out()
                        .lines()
                        .toList()
                        .get(1)
                        .matches(
                                "2026-12-01 11:00:00\\s+node-a\\s+0\\s+node-b\\s+Secondary\\s+Inconsistent\\s+Connected\\s+SyncTarget\\s+UpToDate\\s+Primary"),
                states.out());

        CommandOutput alerts = history("alerts", "--since", "7d", "--format", "csv");
        assertEquals(
                "2026-12-01T10:00:00Z,DrbdLocalDiskLost,critical,firing,state,pair-1,fp1,node=node-a resource=r0",
                alerts.out().lines().toList().get(1));
    }

    @Test
    void badInputIsNamedByItsFlagWithWhatToDo() throws Exception {
        CommandOutput since = history("sync-latency", "--resource", "r0", "--since", "yesterday");
        assertEquals(1, since.exitCode());
        assertTrue(
                since.err().startsWith("vigil history sync-latency: --since: 'yesterday' is not a time"), since.err());

        CommandOutput steps = history("sync-latency", "--resource", "r0", "--since", "90d", "--step", "1m");
        assertTrue(
                steps.err()
                        .contains(
                                "--step: the range holds 129600 steps of 1m, more than 2000: widen the step or narrow the range"),
                steps.err());

        CommandOutput limit = history("alerts", "--limit", "0");
        assertTrue(limit.err().startsWith("vigil history alerts: --limit: 0 is outside 1 to 10000"), limit.err());

        CommandOutput plot = history(
                "resyncs", "--plot", dir.resolve("no-such-dir").resolve("x.svg").toString());
        assertEquals(1, plot.exitCode());
        assertTrue(
                plot.err().contains("--plot " + dir.resolve("no-such-dir").resolve("x.svg") + " cannot be written"),
                plot.err());

        assertEquals(2, history("resyncs", "--format", "xml").exitCode(), "an unknown format is a usage error");
        assertEquals(2, history("states").exitCode(), "states needs --resource");
        CommandOutput nothing = CommandOutput.run("history");
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().contains("name what to ask: sync-latency, resyncs, states or alerts"), nothing.err());

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CommandOutput away = CommandOutput.run("history", "resyncs", "--engine", "http://127.0.0.1:" + closed);
        assertEquals(1, away.exitCode());
        assertTrue(
                away.err().contains("cannot reach the engine at http://127.0.0.1:" + closed)
                        && away.err().contains("(--engine URL)"),
                away.err());
        assertFalse(away.err().contains("\tat "), "no stack trace");
    }
}
