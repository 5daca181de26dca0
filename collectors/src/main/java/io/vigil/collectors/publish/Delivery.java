package io.vigil.collectors.publish;

import io.vigil.events.Topics;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that moves spooled records to Kafka: it reads from the spool in seq order,
 * hands the producer a bounded window, and removes a record from the spool only once Kafka has
 * acknowledged it and every record before it.
 *
 * <p>When a send fails, no further record is handed over; the thread waits until every record in
 * the window has its outcome, keeps what Kafka acknowledged, starts a fresh producer and sends
 * again from the first record Kafka does not have. Records that Kafka acknowledged after one that
 * failed (possible when batches expire one by one) are remembered and not sent again.
 */
final class Delivery implements Runnable {
    static final int WINDOW_RECORDS = 1000;
    static final long WINDOW_BYTES = 1024 * 1024;
    private static final int READ_RECORDS = 200;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long SYNC_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    /** What the delivery thread reports to the publisher's metrics. */
    interface Listener {
        void published(EnvelopeHeader header);

        void rejected(long seq, Exception cause);
    }

    private record Outcome(long seq, Exception error) {}

    private static final class InFlight {
        final long seq;
        final EnvelopeHeader header;
        final long bytes;
        final long sentNanos = System.nanoTime();
        boolean acked;
        Exception error;

        InFlight(long seq, EnvelopeHeader header, long bytes) {
            this.seq = seq;
            this.header = header;
            this.bytes = bytes;
        }

        boolean done() {
            return acked || error != null;
        }
    }

    private final String cluster;
    private final String node;
    private final Spool spool;
    private final Supplier<Producer<String, byte[]>> producers;
    private final Listener listener;
    private final Reachability reachability;
    private final long stallNanos;
    private final long backoffNanos;
    private final long closeGraceMillis;
    private final long maxBlockMillis;
    private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<InFlight> window = new ArrayDeque<>();
    private final Set<Long> deliveredAhead = new HashSet<>();
    private volatile boolean stopping;
    private volatile boolean failing;
    private volatile Thread thread;
    private Producer<String, byte[]> producer;
    private long windowBytes;
    private long sentThrough = -1;
    private long lastSyncNanos = System.nanoTime();

    Delivery(
            String cluster,
            String node,
            Spool spool,
            Supplier<Producer<String, byte[]>> producers,
            Map<String, Object> producerConfig,
            Listener listener) {
        this.cluster = cluster;
        this.node = node;
        this.spool = spool;
        this.producers = producers;
        this.listener = listener;
        this.reachability = new Reachability(
                node,
                String.valueOf(producerConfig.get("bootstrap.servers")),
                spool.dir().toString());
        long requestTimeout = ProducerSettings.millis(producerConfig, "request.timeout.ms", 30_000);
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(requestTimeout);
        long reconnect = ProducerSettings.millis(producerConfig, "reconnect.backoff.max.ms", 1000);
        this.backoffNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(50, Math.min(10_000, reconnect)));
        this.closeGraceMillis = Math.min(5000, requestTimeout);
        this.maxBlockMillis = ProducerSettings.millis(producerConfig, "max.block.ms", 60_000);
        this.producer = producers.get();
    }

    /** Starts the delivery thread. */
    void start() {
        Thread t = new Thread(this, "vigil-publish-" + node);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Something was spooled or acknowledged: look now rather than at the next tick. */
    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Stops sending, waits briefly for what is in flight, and returns once the thread has ended. */
    void stop() throws InterruptedException {
        stopping = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            // it may be inside a send waiting for metadata, then closes the producer with a grace period
            t.join(maxBlockMillis + closeGraceMillis + 2000);
            if (t.isAlive()) {
                log.warn("node {}: the publishing thread did not stop in time", node);
            }
        }
    }

    Reachability.State state() {
        return reachability.state();
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                try {
                    step();
                } catch (IOException e) {
                    log.error("node {}: the spool in {} cannot be read: {}; retrying", node, spool.dir(), e.toString());
                    pause(backoffNanos);
                } catch (RuntimeException e) {
                    log.error("node {}: publishing failed unexpectedly; retrying", node, e);
                    pause(backoffNanos);
                }
            }
        } finally {
            finish();
        }
    }

    private void step() throws IOException {
        collectOutcomes();
        if (failing) {
            recover();
            return;
        }
        fill();
        if (failing) {
            return;
        }
        watchForStall();
        syncNowAndThen();
        if (outcomes.isEmpty()) {
            LockSupport.parkNanos(this, PARK_NANOS);
        }
    }

    /** Hands the producer spooled records after the last one sent, within the window. */
    private void fill() throws IOException {
        while (!stopping && window.size() < WINDOW_RECORDS && windowBytes < WINDOW_BYTES) {
            List<Spool.Entry> entries = spool.readAfter(
                    sentThrough, Math.min(READ_RECORDS, WINDOW_RECORDS - window.size()), WINDOW_BYTES - windowBytes);
            if (entries.isEmpty()) {
                return;
            }
            for (Spool.Entry entry : entries) {
                InFlight record = new InFlight(
                        entry.seq(), EnvelopeHeader.peek(entry.payload()), Spool.HEADER_BYTES + entry.payload().length);
                window.addLast(record);
                windowBytes += record.bytes;
                sentThrough = entry.seq();
                if (deliveredAhead.remove(entry.seq())) {
                    record.acked = true; // Kafka has it already, from before the last failure
                    continue;
                }
                long seq = entry.seq();
                producer.send(new ProducerRecord<>(Topics.TELEMETRY, cluster, entry.payload()), (metadata, error) -> {
                    if (error != null) {
                        failing = true;
                    }
                    outcomes.add(new Outcome(seq, error));
                    wake();
                });
                if (failing) {
                    return; // refused at once (no metadata in time): hand over nothing after it
                }
            }
        }
    }

    /** Applies the acknowledgements and failures reported so far; removes the acknowledged front from the spool. */
    private void collectOutcomes() throws IOException {
        Outcome outcome;
        while ((outcome = outcomes.poll()) != null) {
            InFlight record = find(outcome.seq());
            if (record == null) {
                continue;
            }
            if (outcome.error() == null) {
                record.acked = true;
                listener.published(record.header);
            } else {
                record.error = outcome.error();
            }
        }
        int count = 0;
        long through = -1;
        while (!window.isEmpty() && window.peekFirst().acked) {
            InFlight record = window.pollFirst();
            windowBytes -= record.bytes;
            through = record.seq;
            count++;
        }
        if (count > 0) {
            spool.removeThrough(through);
            spool.checkpoint();
            reachability.acknowledged(count, through, spool.lastSeq().orElse(through));
        }
    }

    private InFlight find(long seq) {
        for (InFlight record : window) {
            if (record.seq == seq) {
                return record;
            }
        }
        return null;
    }

    /**
     * A send failed. Wait until every record in the window has its outcome, so that we know
     * exactly what Kafka has, then send again from the first record it does not have.
     */
    private void recover() throws IOException {
        InFlight failed = firstFailed();
        if (failed != null && !isTheRecordsFault(failed.error)) {
            // say so now: with unbounded delivery timeouts the rest of the window may wait for Kafka's return
            reachability.lost(describe(failed.error), spool.events(), oldestSentNanos());
        }
        while (!stopping && !window.stream().allMatch(InFlight::done)) {
            LockSupport.parkNanos(this, PARK_NANOS);
            collectOutcomes();
            syncNowAndThen();
        }
        collectOutcomes();
        if (stopping) {
            return;
        }
        InFlight first = window.peekFirst();
        Exception cause = first == null || first.error == null ? new IllegalStateException("send failed") : first.error;
        for (InFlight record : window) {
            if (record.acked) {
                deliveredAhead.add(record.seq);
            }
        }
        if (!deliveredAhead.isEmpty() && first != null) {
            log.warn(
                    "node {}: Kafka acknowledged {} events after seq {} failed; seq {} will be sent again and arrive"
                            + " after them, out of order",
                    node,
                    deliveredAhead.size(),
                    first.seq,
                    first.seq);
        }
        window.clear();
        windowBytes = 0;
        failing = false;
        producer.close(Duration.ZERO);
        producer = producers.get();
        if (first == null) {
            return;
        }
        if (isTheRecordsFault(cause)) {
            // this record can never be written; sending it again would block every record after it
            spool.removeThrough(first.seq);
            spool.checkpoint();
            sentThrough = first.seq;
            listener.rejected(first.seq, cause);
            return;
        }
        sentThrough = first.seq - 1;
        if (reachability.state() == Reachability.State.DOWN) {
            pause(backoffNanos); // no sign of Kafka since the failure: do not hammer it
        }
    }

    /** fsync the spool about once a second rather than per event: a host crash loses at most that second. */
    private void syncNowAndThen() throws IOException {
        if (System.nanoTime() - lastSyncNanos > SYNC_EVERY_NANOS) {
            spool.sync();
            lastSyncNanos = System.nanoTime();
        }
    }

    private void watchForStall() {
        if (reachability.state() == Reachability.State.DOWN) {
            return;
        }
        long oldest = oldestSentNanos();
        long waited = System.nanoTime() - oldest;
        if (oldest != Long.MAX_VALUE && waited > stallNanos) {
            reachability.lost(
                    "no acknowledgement for " + TimeUnit.NANOSECONDS.toSeconds(waited) + " s", spool.events(), oldest);
        }
    }

    /** When the oldest record still waiting for its outcome was handed over; MAX_VALUE when none waits. */
    private long oldestSentNanos() {
        for (InFlight record : window) {
            if (!record.done()) {
                return record.sentNanos;
            }
        }
        return Long.MAX_VALUE;
    }

    private InFlight firstFailed() {
        for (InFlight record : window) {
            if (record.error != null) {
                return record;
            }
        }
        return null;
    }

    private void finish() {
        try {
            long grace = reachability.state() == Reachability.State.UP && !window.isEmpty() ? closeGraceMillis : 0;
            producer.close(Duration.ofMillis(grace));
            collectOutcomes();
            spool.checkpoint();
            if (spool.events() > 0) {
                log.info(
                        "node {}: publisher stopped; {} events stay in the spool {} for the next start",
                        node,
                        spool.events(),
                        spool.dir());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("node {}: stopping the publisher: {}", node, e.toString());
        }
    }

    private void pause(long nanos) {
        long until = System.nanoTime() + nanos;
        long left;
        while (!stopping && (left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
        }
    }

    private static boolean isTheRecordsFault(Exception e) {
        return e instanceof RecordTooLargeException
                || e instanceof InvalidRecordException
                || e instanceof CorruptRecordException;
    }

    private static String describe(Exception e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        return e.getClass().getSimpleName() + message;
    }

    /** For latency: how long ago, by the envelope's clock, a record was emitted. */
    static Duration age(EnvelopeHeader header, Clock clock) {
        return header.ts()
                .map(ts -> Duration.between(ts, clock.instant()))
                .filter(d -> !d.isNegative())
                .orElse(Duration.ZERO);
    }
}
