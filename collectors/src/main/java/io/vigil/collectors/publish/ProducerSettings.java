package io.vigil.collectors.publish;

import io.vigil.events.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The telemetry producer's configuration: Vigil's defaults, then what the user passed through,
 * then {@link Topics#producerGuarantees()}, which always win.
 */
final class ProducerSettings {
    /**
     * Defaults a user may override.
     * <ul>
     * <li>{@code delivery.timeout.ms} unbounded: while Kafka is away the producer keeps retrying
     * the same batches with the same producer id and sequence numbers, which the broker
     * de-duplicates, so an outage of any length neither loses nor doubles a record. The
     * publisher bounds what it hands the producer, so this holds no more than a small window in
     * memory; the rest waits in the spool. A finite value still works, but a batch that times out
     * while its request was in flight has an unknown outcome and may arrive twice.</li>
     * <li>{@code max.block.ms} 5 s: only the publisher's own thread waits on metadata; a short
     * wait keeps it responsive to acknowledgements and to close.</li>
     * <li>{@code buffer.memory} 4 MiB: the window handed to the producer is 1 MiB at most; the
     * 32 MiB default would only be a footprint risk on a small host.</li>
     * <li>{@code metric.reporters} empty: the agent serves its own /metrics; Kafka's JMX reporter
     * would load the JMX machinery into a process that must stay small (README, Performance).</li>
     * <li>{@code enable.metrics.push} false: for the same reason, no pushing of the client's own
     * metrics to the broker (KIP-714), which loads a shaded protobuf into every agent (1 MiB of
     * its peak RSS).</li>
     * </ul>
     */
    static Map<String, Object> defaults(String node) {
        return Map.of(
                "delivery.timeout.ms",
                String.valueOf(Integer.MAX_VALUE),
                "max.block.ms",
                "5000",
                "buffer.memory",
                String.valueOf(4 * 1024 * 1024),
                "metric.reporters",
                "",
                "enable.metrics.push",
                "false",
                "client.id",
                "vigil-agent-" + node);
    }

    private static final Logger log = LoggerFactory.getLogger(ProducerSettings.class);

    private ProducerSettings() {}

    static Map<String, Object> merge(String node, Map<String, Object> passedThrough) {
        Map<String, Object> config = new HashMap<>(defaults(node));
        passedThrough.forEach((key, value) -> {
            if (value != null) {
                config.put(key, value);
            }
        });
        for (String ours : new String[] {"key.serializer", "value.serializer"}) {
            if (config.remove(ours) != null) {
                log.warn("kafka.{} is ignored: telemetry keys are strings and values are Vigil's JSON envelopes", ours);
            }
        }
        Object deliveryTimeout = passedThrough.get("delivery.timeout.ms");
        if (deliveryTimeout != null
                && !String.valueOf(Integer.MAX_VALUE)
                        .equals(String.valueOf(deliveryTimeout).strip())) {
            log.warn(
                    "kafka.delivery.timeout.ms={}: a batch that times out while its request is in flight may have been"
                            + " written and is sent again, so an outage can deliver a few events twice (consumers drop repeated"
                            + " (node, seq)); leave it unset to have the producer retry until Kafka is back",
                    deliveryTimeout);
        }
        Topics.producerGuarantees().forEach((key, value) -> {
            Object theirs = passedThrough.get(key);
            if (theirs != null && !Objects.equals(String.valueOf(theirs), value)) {
                log.warn(
                        "kafka.{}={} is overridden with {}: Vigil producers are idempotent with acks=all,"
                                + " so that a retried send neither loses nor duplicates an event",
                        key,
                        theirs,
                        value);
            }
            config.put(key, value);
        });
        return config;
    }

    /** A duration property in milliseconds, as the producer will read it, or the fallback. */
    static long millis(Map<String, Object> config, String key, long fallback) {
        Object value = config.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(String.valueOf(value).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kafka." + key + ": '" + value + "' is not a number of milliseconds");
        }
    }
}
