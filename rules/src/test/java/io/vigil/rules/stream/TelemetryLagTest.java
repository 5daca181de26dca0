package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lag read from a Kafka consumer's own metrics, as Kafka Streams' consumers name them. */
class TelemetryLagTest {
    private final Metrics metrics = new Metrics();

    @AfterEach
    void close() {
        metrics.close();
    }

    private void lag(String client, String topic, int partition, double value) {
        MetricName name = metrics.metricName(
                "records-lag",
                "consumer-fetch-manager-metrics",
                "",
                Map.of("client-id", client, "topic", topic, "partition", Integer.toString(partition)));
        metrics.addMetric(name, (Measurable) (config, now) -> value);
    }

    @Test
    void sumsTheTelemetryPartitionsEvaluatedAndNotTheChangelogsNorTheSilences() {
        lag("engine-StreamThread-1-consumer", "vigil.telemetry", 0, 5);
        lag("engine-StreamThread-1-consumer", "vigil.telemetry", 3, 7);
        lag("engine-StreamThread-1-restore-consumer", "engine-scopes-changelog", 0, 1000);
        lag("engine-global-consumer", "vigil.silences", 0, 40);
        assertEquals(12, TelemetryLag.of(List.of(0, 3), metrics.metrics()));
    }

    @Test
    void isZeroForAnInstanceThatEvaluatesNoPartition() {
        assertEquals(0, TelemetryLag.of(List.of(), metrics.metrics()));
    }

    @Test
    void isUnknownWhileAPartitionEvaluatedHasNoMeasureYet() {
        lag("engine-StreamThread-1-consumer", "vigil.telemetry", 0, 5);
        assertEquals(Double.NaN, TelemetryLag.of(List.of(0, 3), metrics.metrics()));
        lag("engine-StreamThread-1-consumer", "vigil.telemetry", 3, Double.NaN);
        assertEquals(Double.NaN, TelemetryLag.of(List.of(0, 3), metrics.metrics()), "measured as NaN: unknown too");
    }

    @Test
    void aPartitionMeasuredByTwoThreadsForAMomentCountsOnce() {
        lag("engine-StreamThread-1-consumer", "vigil.telemetry", 2, 9);
        lag("engine-StreamThread-2-consumer", "vigil.telemetry", 2, 9);
        assertEquals(9, TelemetryLag.of(List.of(2), metrics.metrics()));
    }
}
