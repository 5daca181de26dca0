package io.vigil.collectors.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeqReservationTest {
    @TempDir
    Path dir;

    @Test
    void reservesABlockOnDiskBeforeHandingOutItsFirstSeq() throws Exception {
        SeqReservation seqs = SeqReservation.open(dir, OptionalLong.empty());
        assertEquals(0, seqs.next());
        assertEquals(
                "reserved-below " + SeqReservation.BLOCK,
                Files.readString(dir.resolve(SeqReservation.FILE)).strip());
        for (long expected = 1; expected <= SeqReservation.BLOCK; expected++) {
            assertEquals(expected, seqs.next());
        }
        assertEquals(
                "reserved-below " + 2 * SeqReservation.BLOCK,
                Files.readString(dir.resolve(SeqReservation.FILE)).strip());
    }

    @Test
    void aRestartStartsAtTheEndOfTheReservedBlock() throws Exception {
        SeqReservation first = SeqReservation.open(dir, OptionalLong.empty());
        for (int i = 0; i < 5; i++) {
            first.next();
        }
        assertEquals(
                SeqReservation.BLOCK,
                SeqReservation.open(dir, OptionalLong.of(4)).next());
    }

    @Test
    void neverStartsBelowWhatTheSpoolHolds() throws Exception {
        Files.writeString(dir.resolve(SeqReservation.FILE), "reserved-below 10\n");
        assertEquals(5001, SeqReservation.open(dir, OptionalLong.of(5000)).next());
    }

    @Test
    void aDamagedSeqFileFallsBackAboveTheClock() throws Exception {
        Files.writeString(dir.resolve(SeqReservation.FILE), "reserved-bel\u0000");
        long before = System.currentTimeMillis() * 1000;
        long seq = SeqReservation.open(dir, OptionalLong.of(7)).next();
        assertTrue(seq >= before, "seq " + seq + " is above every seq a node can have used");
    }
}
