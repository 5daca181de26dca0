package io.vigil.history;

import java.util.Objects;

/** A Kafka topic partition, as {@code ingest_offsets} keys it. */
public record Partition(String topic, int partition) {
    public Partition {
        Objects.requireNonNull(topic, "topic");
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
