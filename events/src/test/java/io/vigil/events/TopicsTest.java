package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void eachTopicIsCreatedWithItsPartitionsAndCompactionAsItsUseNeeds() {
        assertEquals(6, Topics.partitions(Topics.TELEMETRY, 6));
        assertEquals(6, Topics.partitions(Topics.ALERTS, 6));
        assertEquals(1, Topics.partitions(Topics.SILENCES, 6));
        assertEquals(1, Topics.partitions(Topics.NOTIFICATIONS, 6));
        assertEquals(1, Topics.partitions(Topics.DEADLETTER, 6));
        // a day: a notifier down for hours still reads an alert's resolve before compaction leaves only its tombstone
        assertEquals(
                Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "86400000"),
                Topics.configs(Topics.ALERTS));
        assertEquals(Map.of("cleanup.policy", "compact"), Topics.configs(Topics.SILENCES));
        assertEquals(Map.of(), Topics.configs(Topics.TELEMETRY));
    }
}
