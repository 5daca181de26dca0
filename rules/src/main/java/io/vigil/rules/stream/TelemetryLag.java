package io.vigil.rules.stream;

import io.vigil.events.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * {@code vigil_engine_consumer_lag_records}: the telemetry records not yet read by this instance,
 * summed over the partitions it evaluates, from its consumers' own measure ({@code records-lag},
 * one per partition, set at each fetch). Only the telemetry's: the restore and global consumers
 * measure changelogs and silences with the same name. Unknown (NaN) unless every partition it
 * evaluates has been measured: one just taken over has no measure yet, and counting it as 0 would
 * hide its backlog.
 */
final class TelemetryLag {
    private TelemetryLag() {}

    /** @param partitions the telemetry partitions this instance evaluates; none: nothing unread, 0 */
    static double of(List<Integer> partitions, Map<MetricName, ? extends Metric> metrics) {
        Map<Integer, Double> measured = new HashMap<>();
        metrics.forEach((name, metric) -> {
            if (name.name().equals("records-lag")
                    && name.group().equals("consumer-fetch-manager-metrics")
                    && Topics.TELEMETRY.equals(name.tags().get("topic"))
                    && name.tags().containsKey("partition")
                    && metric.metricValue() instanceof Double lag
                    && !lag.isNaN()) {
                // a partition a thread has just lost may keep its measure a moment beside its new owner's: not twice
                measured.merge(Integer.parseInt(name.tags().get("partition")), lag, Math::max);
            }
        });
        double sum = 0;
        for (int partition : partitions) {
            Double lag = measured.get(partition);
            if (lag == null) {
                return Double.NaN;
            }
            sum += lag;
        }
        return sum;
    }
}
