package io.vigil.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HistoryStoreTest {
    @ParameterizedTest
    @EnumSource(StoreKind.class)
    void aBatchFailingMidwayLeavesNeitherItsRowsNorItsMarksNorItsOffsets(StoreKind kind, @TempDir Path dir)
            throws SQLException {
        try (HistoryStore store = kind.open(dir)) {
            HistoryBatch bad = batch(7);
            // text is NOT NULL: the audit row fails after the offsets, marks and samples went in
            bad.add(
                    HistoryTable.FAILOVER_AUDIT,
                    new Object[] {"pair-1", "saga-1", "r0", Reports.T0, "decision", "detect", null, null});
            assertThrows(SQLException.class, () -> store.commit(bad));
            assertEquals(List.of(0L, 0L, 0L), counts(store), "samples, marks and offsets after a failed batch");

            store.commit(batch(7));
            assertEquals(List.of(1L, 1L, 1L), counts(store), "samples, marks and offsets after a good batch");
        }
    }

    private static HistoryBatch batch(long seq) {
        HistoryBatch batch = new HistoryBatch();
        batch.read(Reports.TELEMETRY, 41);
        batch.mark(new NodeKey("pair-1", "node-a"), seq);
        batch.add(
                HistoryTable.REPLICATION_SAMPLES,
                ReplicationRows.sample(ReplicationRows.volumes(
                                Reports.healthy("node-a", seq, 0).envelope(),
                                (io.vigil.events.DrbdResource) Reports.healthy("node-a", seq, 0)
                                        .envelope()
                                        .body())
                        .get(0)));
        return batch;
    }

    private static List<Long> counts(HistoryStore store) throws SQLException {
        try (var s = store.connection().createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT (SELECT count(*) FROM replication_samples), (SELECT count(*) FROM ingest_marks),"
                                + " (SELECT count(*) FROM ingest_offsets)")) {
            rs.next();
            List<Long> counts = List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            store.connection().commit();
            return counts;
        }
    }

    @Test
    void aHistoryFileHeldByAnotherProcessIsRefusedNamingTheFileAndWhatToDo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("history.duckdb");
        Process holder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        HoldHistoryFile.class.getName(),
                        file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("held", out.readLine(), "the other process opened the file");
            IllegalStateException refused =
                    assertThrows(IllegalStateException.class, () -> DuckDbHistoryStore.open(file));
            String message = refused.getMessage();
            assertTrue(message.contains(file.toString()), message);
            assertTrue(message.contains("in use by another process"), message);
            assertTrue(message.contains("PID " + holder.pid()), message);
            assertTrue(message.contains("stop the other one, or give this one its own"), message);
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "the holder exits when its stdin closes");
        }
        try (HistoryStore reopened = DuckDbHistoryStore.open(file)) {
            assertEquals(
                    file.toAbsolutePath().toString(),
                    reopened.describe(),
                    "the file opens once the other process is gone");
        }
    }

    /** The other process of the lock test: opens the history and holds it until its stdin closes. */
    static final class HoldHistoryFile {
        public static void main(String[] args) throws Exception {
            try (HistoryStore store = DuckDbHistoryStore.open(Path.of(args[0]))) {
                System.out.println("held");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the test to close our stdin
                }
            }
        }
    }
}
