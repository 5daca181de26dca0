package io.vigil.collectors.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SpoolTest {
    private static final long ROOMY = 1024 * 1024;

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger spoolLog = (Logger) LoggerFactory.getLogger(Spool.class);

    @BeforeEach
    void captureLogs() {
        logs.start();
        spoolLog.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        spoolLog.detachAppender(logs);
    }

    private static byte[] payload(long seq) {
        return ("{\"seq\":" + seq + ",\"body\":\"" + "x".repeat((int) (seq % 7) * 10) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private Spool open(long maxBytes) throws IOException {
        return Spool.open(new Spool.Settings(dir, maxBytes));
    }

    private static List<Long> seqs(Spool spool) throws IOException {
        return spool.readAfter(-1, Integer.MAX_VALUE, Long.MAX_VALUE).stream()
                .map(Spool.Entry::seq)
                .toList();
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }

    @Test
    void replaysEverythingInOrderAfterARestart() throws IOException {
        try (Spool spool = open(ROOMY)) {
            for (long seq = 1; seq <= 300; seq++) {
                spool.append(seq, payload(seq));
            }
        }
        try (Spool spool = open(ROOMY)) {
            List<Spool.Entry> entries = spool.readAfter(-1, Integer.MAX_VALUE, Long.MAX_VALUE);
            assertEquals(range(1, 300), entries.stream().map(Spool.Entry::seq).toList());
            for (Spool.Entry entry : entries) {
                assertArrayEquals(payload(entry.seq()), entry.payload(), "payload of seq " + entry.seq());
            }
            assertEquals(OptionalLong.of(300), spool.lastSeq());
            assertEquals(300, spool.events());
            // appends after a restart go on from there
            spool.append(301, payload(301));
            assertEquals(range(1, 301), seqs(spool));
        }
    }

    @Test
    void readsAfterAGivenSeqWithinTheLimitsButAlwaysAtLeastOne() throws IOException {
        try (Spool spool = open(ROOMY)) {
            for (long seq = 10; seq <= 20; seq++) {
                spool.append(seq, payload(seq));
            }
            assertEquals(
                    List.of(13L, 14L, 15L),
                    spool.readAfter(12, 3, Long.MAX_VALUE).stream()
                            .map(Spool.Entry::seq)
                            .toList());
            assertEquals(
                    List.of(10L),
                    spool.readAfter(-1, 100, 1).stream().map(Spool.Entry::seq).toList());
            assertEquals(List.of(), spool.readAfter(20, 100, ROOMY));
        }
    }

    @Test
    void removedRecordsStayRemovedAfterARestart() throws IOException {
        try (Spool spool = open(ROOMY)) {
            for (long seq = 1; seq <= 10; seq++) {
                spool.append(seq, payload(seq));
            }
            spool.removeThrough(4);
            spool.checkpoint();
            assertEquals(range(5, 10), seqs(spool));
        }
        try (Spool spool = open(ROOMY)) {
            assertEquals(range(5, 10), seqs(spool));
            assertEquals(OptionalLong.of(5), spool.firstSeq());
            assertEquals(6, spool.events());
        }
    }

    @Test
    void whenFullDropsTheOldestFirstAndCountsThem() throws IOException {
        byte[] kilobyte = new byte[1000];
        Arrays.fill(kilobyte, (byte) 'h');
        long recordBytes = Spool.HEADER_BYTES + kilobyte.length;
        long max = Spool.Settings.MIN_BYTES;
        long fits = max / recordBytes;
        int droppedByAppends = 0;
        try (Spool spool = open(max)) {
            for (long seq = 1; seq <= 40; seq++) {
                droppedByAppends += spool.append(seq, kilobyte);
                assertTrue(spool.bytes() <= max, "bytes " + spool.bytes() + " over the bound after seq " + seq);
            }
            assertEquals(40 - fits, droppedByAppends);
            assertEquals(40 - fits, spool.dropped());
            assertEquals(range(40 - fits + 1, 40), seqs(spool), "the newest are kept");
            assertEquals(fits * recordBytes, spool.bytes());
        }
        try (Spool spool = open(max)) {
            assertEquals(range(40 - fits + 1, 40), seqs(spool), "drops are remembered across a restart");
        }
    }

    @Test
    void deletesSegmentsOnceEverythingInThemIsGone() throws IOException {
        try (Spool spool = open(64 * 1024)) {
            for (long seq = 1; seq <= 400; seq++) {
                spool.append(seq, payload(seq));
            }
            long segmentsBefore = segmentFiles().size();
            assertTrue(segmentsBefore > 3, "rolled into several segments: " + segmentsBefore);
            spool.removeThrough(399);
            assertEquals(List.of(400L), seqs(spool));
            assertTrue(segmentFiles().size() <= 2, "consumed segments deleted: " + segmentFiles());
        }
    }

    @Test
    void cutsOffATornTailReportsItOnceAndKeepsTheRecordsBeforeIt() throws IOException {
        try (Spool spool = open(ROOMY)) {
            for (long seq = 1; seq <= 20; seq++) {
                spool.append(seq, payload(seq));
            }
        }
        Path segment = segmentFiles().get(segmentFiles().size() - 1);
        long intact = Files.size(segment);
        // a crash in the middle of writing seq 21: the header and half of the payload made it
        byte[] torn = Arrays.copyOf(frame(21, payload(21)), Spool.HEADER_BYTES + 5);
        Files.write(segment, torn, StandardOpenOption.APPEND);

        try (Spool spool = open(ROOMY)) {
            assertEquals(range(1, 20), seqs(spool));
            assertEquals(intact, Files.size(segment), "the torn record is cut off");
            spool.append(21, payload(21));
        }
        assertEquals(1, warnings(), "reported once");
        try (Spool spool = open(ROOMY)) {
            assertEquals(range(1, 21), seqs(spool));
        }
        assertEquals(1, warnings(), "not reported again on the next start");
    }

    @Test
    void aFlippedByteFailsTheChecksumAndOnlyThatRecordAndWhatFollowsGo() throws IOException {
        try (Spool spool = open(ROOMY)) {
            for (long seq = 1; seq <= 10; seq++) {
                spool.append(seq, payload(seq));
            }
        }
        Path segment = segmentFiles().get(0);
        long lastRecordStart = Files.size(segment) - Spool.HEADER_BYTES - payload(10).length;
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            long at = lastRecordStart + Spool.HEADER_BYTES + 3;
            channel.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x20)).rewind();
            channel.write(one, at);
        }
        try (Spool spool = open(ROOMY)) {
            assertEquals(range(1, 9), seqs(spool));
            assertEquals(OptionalLong.of(9), spool.lastSeq());
        }
        assertEquals(1, warnings());
        assertTrue(
                logs.list.get(0).getFormattedMessage().contains("checksum"),
                logs.list.get(0).getFormattedMessage());
    }

    @Test
    void refusesARecordLargerThanTheSpoolAndASeqThatDoesNotIncrease() throws IOException {
        try (Spool spool = open(Spool.Settings.MIN_BYTES)) {
            spool.append(5, payload(5));
            IllegalArgumentException big = assertThrows(
                    IllegalArgumentException.class, () -> spool.append(6, new byte[(int) Spool.Settings.MIN_BYTES]));
            assertTrue(big.getMessage().contains("larger than the spool"), big.getMessage());
            IllegalArgumentException back =
                    assertThrows(IllegalArgumentException.class, () -> spool.append(5, payload(5)));
            assertTrue(back.getMessage().contains("seq 5"), back.getMessage());
            assertEquals(List.of(5L), seqs(spool));
        }
    }

    @Test
    void oneDirectoryServesOneAgentAtATime() throws IOException {
        try (Spool first = open(ROOMY)) {
            IOException e = assertThrows(IOException.class, () -> open(ROOMY));
            assertTrue(e.getMessage().contains("in use"), e.getMessage());
        }
        open(ROOMY).close();
    }

    private long warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".seg"))
                    .sorted()
                    .toList();
        }
    }

    /** The on-disk framing, written here independently of the spool so the test checks the format. */
    private static byte[] frame(long seq, byte[] payload) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, seq));
        crc.update(payload);
        return ByteBuffer.allocate(Spool.HEADER_BYTES + payload.length)
                .putInt(payload.length)
                .putLong(seq)
                .putInt((int) crc.getValue())
                .put(payload)
                .array();
    }
}
