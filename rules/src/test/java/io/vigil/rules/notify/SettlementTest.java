package io.vigil.rules.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.rules.notify.dispatch.RecordPosition;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only what was delivered is committed: a partition's offset stops at its lowest record still waiting. */
class SettlementTest {
    private static RecordPosition at(int partition, long offset) {
        return new RecordPosition(partition, offset);
    }

    @Test
    void theCommitStopsAtTheFirstRecordStillWaitingAndNeverGoesBack() {
        Settlement s = new Settlement();
        s.startAt(0, 10);
        s.startAt(1, 0);
        assertEquals(Map.of(0, 10L, 1, 0L), s.committable(), "where reading starts");
        s.read(at(0, 5), 0);
        assertEquals(
                10L, s.committable().get(0), "a record read again to rebuild the groups does not move the commit back");
        s.read(at(0, 10), 2);
        s.read(at(0, 11), 0);
        s.read(at(1, 0), 1);
        assertEquals(Map.of(0, 10L, 1, 0L), s.committable());
        s.settle(at(0, 10));
        assertEquals(10L, s.committable().get(0), "one of its two deliveries is still out");
        s.settle(at(0, 10));
        assertEquals(12L, s.committable().get(0), "both done: past the records after it that needed nothing");
        s.settle(at(1, 0));
        assertEquals(1L, s.committable().get(1));
        assertEquals(0, s.waiting());
    }
}
