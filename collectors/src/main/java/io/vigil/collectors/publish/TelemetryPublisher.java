package io.vigil.collectors.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vigil.collectors.probe.EventSink;
import io.vigil.events.Body;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.EventKind;
import io.vigil.events.Name;
import io.vigil.events.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this node's events to {@link Topics#TELEMETRY}: stamps each with the next seq and the
 * time, writes it to the on-disk {@link Spool}, and leaves sending to a delivery thread. So
 * {@link #emit} never waits for Kafka, and nothing is lost while Kafka is away (up to the spool's
 * bound, beyond which the oldest events are dropped and counted).
 *
 * <p>Every record goes through the spool and leaves it only once Kafka has acknowledged it and
 * every earlier one; the producer is idempotent and the spool replays in seq order, so when
 * Kafka returns each (node, seq) arrives once, in order. Key: the cluster id. Where a repeat is
 * still possible: records in flight when the agent stops or crashes during an outage, and any
 * outage with a user-set finite {@code delivery.timeout.ms}; consumers drop a repeated (node, seq).
 *
 * <p>Metrics (tags cluster and node): {@code vigil.agent.spool.events}, {@code vigil.agent.spool.bytes},
 * {@code vigil.agent.publish.latency} (emit to acknowledgement), {@code vigil.agent.events.published}
 * (tag kind), {@code vigil.agent.events.dropped} (tag reason: spool-full, too-large, rejected,
 * spool-error, closed).
 */
public final class TelemetryPublisher implements EventSink, AutoCloseable {
    /** Why an event did not reach Kafka. */
    enum DropReason {
        SPOOL_FULL("spool-full"),
        TOO_LARGE("too-large"),
        REJECTED("rejected"),
        SPOOL_ERROR("spool-error"),
        CLOSED("closed");

        final String tag;

        DropReason(String tag) {
            this.tag = tag;
        }
    }

    private static final Logger log = LoggerFactory.getLogger(TelemetryPublisher.class);

    private final String cluster;
    private final String node;
    private final Clock clock;
    private final long maxBytes;
    private final Spool spool;
    private final SeqReservation seqs;
    private final Delivery delivery;
    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer latency;
    private final List<Meter> gauges;
    private final Map<String, Counter> published = new ConcurrentHashMap<>();
    private final Map<DropReason, Counter> dropped = new ConcurrentHashMap<>();
    private final AtomicBoolean spoolFullReported = new AtomicBoolean();
    private final AtomicBoolean spoolErrorReported = new AtomicBoolean();
    private final Object emitLock = new Object();
    private boolean closed;

    public TelemetryPublisher(
            String cluster,
            String node,
            Map<String, Object> kafkaProperties,
            Spool.Settings spool,
            MeterRegistry registry) {
        this(cluster, node, kafkaProperties, spool, registry, Clock.systemUTC());
    }

    public TelemetryPublisher(
            String cluster,
            String node,
            Map<String, Object> kafkaProperties,
            Spool.Settings spool,
            MeterRegistry registry,
            Clock clock) {
        this.cluster = Name.check("cluster", cluster);
        this.node = Name.check("node", node);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.maxBytes = spool.maxBytes();
        Map<String, Object> producerConfig = ProducerSettings.merge(node, kafkaProperties);
        try {
            this.spool = Spool.open(spool);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "spool.dir " + spool.dir() + ": cannot open the spool: " + e.getMessage(), e);
        }
        try {
            this.seqs = SeqReservation.open(spool.dir(), this.spool.lastSeq());
            this.delivery = new Delivery(
                    cluster,
                    node,
                    this.spool,
                    () -> newProducer(producerConfig),
                    producerConfig,
                    new DeliveryMetrics());
        } catch (RuntimeException e) {
            this.spool.close();
            throw e;
        }
        this.tags = Tags.of("cluster", cluster, "node", node);
        this.latency = Timer.builder("vigil.agent.publish.latency")
                .description("Time from emit to Kafka's acknowledgement, spool time included")
                .tags(tags)
                .register(registry);
        this.gauges = List.of(
                Gauge.builder("vigil.agent.spool.events", this.spool, Spool::events)
                        .description("Events waiting in the spool for Kafka's acknowledgement")
                        .tags(tags)
                        .register(registry),
                Gauge.builder("vigil.agent.spool.bytes", this.spool, Spool::bytes)
                        .baseUnit("bytes")
                        .description("Bytes waiting in the spool, counted against spool.max_bytes")
                        .tags(tags)
                        .register(registry));
        for (DropReason reason : DropReason.values()) {
            dropCounter(reason);
        }
        for (EventKind kind : EventKind.values()) {
            publishedCounter(kind.wire());
        }
        delivery.start();
    }

    /** Stamps, spools and returns; sending happens on the delivery thread. */
    @Override
    public void emit(Body body) {
        Objects.requireNonNull(body, "body");
        int droppedForRoom;
        synchronized (emitLock) {
            if (closed) {
                drop(DropReason.CLOSED, 1);
                log.debug(
                        "node {}: {} event after close dropped",
                        node,
                        body.kind().wire());
                return;
            }
            long seq;
            try {
                seq = seqs.next();
                byte[] encoded = EnvelopeCodec.encode(Envelope.of(cluster, node, seq, clock.instant(), body));
                if (Spool.HEADER_BYTES + (long) encoded.length > maxBytes) {
                    drop(DropReason.TOO_LARGE, 1);
                    log.warn(
                            "node {}: {} event with seq {} dropped: {} bytes do not fit the spool ({} bytes)",
                            node,
                            body.kind().wire(),
                            seq,
                            encoded.length,
                            maxBytes);
                    return;
                }
                droppedForRoom = spool.append(seq, encoded);
                spoolErrorReported.set(false);
            } catch (IOException e) {
                drop(DropReason.SPOOL_ERROR, 1);
                if (spoolErrorReported.compareAndSet(false, true)) {
                    log.error(
                            "node {}: cannot write to the spool in {} ({}); events are dropped until it works again"
                                    + " (disk full? permissions?)",
                            node,
                            spool.dir(),
                            e.toString());
                }
                return;
            } catch (IllegalArgumentException e) {
                drop(DropReason.SPOOL_ERROR, 1);
                log.error("node {}: {} event dropped: {}", node, body.kind().wire(), e.getMessage());
                return;
            }
        }
        if (droppedForRoom > 0) {
            drop(DropReason.SPOOL_FULL, droppedForRoom);
            if (spoolFullReported.compareAndSet(false, true)) {
                log.warn(
                        "node {}: the spool in {} is full ({} bytes); dropping the oldest events to keep the newest",
                        node,
                        spool.dir(),
                        spool.bytes());
            }
        }
        delivery.wake();
    }

    /** Stops delivery (waiting a few seconds for what is in flight); what is unacknowledged stays spooled. */
    @Override
    public void close() {
        synchronized (emitLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            delivery.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        gauges.forEach(registry::remove);
        spool.close();
    }

    private Producer<String, byte[]> newProducer(Map<String, Object> config) {
        try {
            return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        } catch (KafkaException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException("kafka: " + cause.getMessage(), e);
        }
    }

    private void drop(DropReason reason, int count) {
        dropCounter(reason).increment(count);
    }

    private Counter dropCounter(DropReason reason) {
        return dropped.computeIfAbsent(
                reason,
                r -> Counter.builder("vigil.agent.events.dropped")
                        .description("Events that never reached Kafka, by reason")
                        .tags(tags)
                        .tag("reason", r.tag)
                        .register(registry));
    }

    private Counter publishedCounter(String kind) {
        return published.computeIfAbsent(
                kind,
                k -> Counter.builder("vigil.agent.events.published")
                        .description("Events acknowledged by Kafka, by kind")
                        .tags(tags)
                        .tag("kind", k)
                        .register(registry));
    }

    /** Acknowledgements and rejections reported by the delivery thread. */
    private final class DeliveryMetrics implements Delivery.Listener {
        @Override
        public void published(EnvelopeHeader header) {
            publishedCounter(header.kind()).increment();
            latency.record(Delivery.age(header, clock));
            spoolFullReported.set(false);
        }

        @Override
        public void rejected(long seq, Exception cause) {
            drop(DropReason.REJECTED, 1);
            log.error("node {}: Kafka refused the event with seq {} ({}); it is dropped", node, seq, cause.toString());
        }
    }
}
