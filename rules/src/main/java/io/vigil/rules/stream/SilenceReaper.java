package io.vigil.rules.stream;

import io.vigil.events.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the silences that expired more than {@link StoredSilences#RETENTION} ago, as
 * Alertmanager's garbage collection does after its data retention: a tombstone (a null value) for
 * each id on the compacted silences topic, which every instance's global store applies and
 * compaction then drops. Without it, expired silences pile up for ever (40,000 made
 * {@code GET /api/silences} 11.8 MB), and every instance decodes them every second. Every
 * instance reaps; two tombstones for one id do no more than one.
 */
final class SilenceReaper implements AutoCloseable {
    /** How often, as Alertmanager's maintenance interval. */
    static final Duration INTERVAL = Duration.ofMinutes(15);
    /** The first pass waits for the global store to be restored. */
    static final Duration FIRST = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(SilenceReaper.class);

    private final StoredSilences silences;
    private final Producer<String, byte[]> producer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-silence-reaper");
        t.setDaemon(true);
        return t;
    });

    SilenceReaper(StoredSilences silences, Producer<String, byte[]> producer) {
        this.silences = silences;
        this.producer = producer;
    }

    /** Reaps after {@link #FIRST}, then every {@link #INTERVAL}, until closed. */
    static SilenceReaper start(StoredSilences silences, Producer<String, byte[]> producer) {
        return new SilenceReaper(silences, producer).every(FIRST, INTERVAL);
    }

    SilenceReaper every(Duration first, Duration interval) {
        timer.scheduleWithFixedDelay(this::reapQuietly, first.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void reapQuietly() {
        // a pass that throws would cancel the ones after it
        try {
            reap();
        } catch (RuntimeException e) {
            // the store is not ready (starting, rebalancing): the next pass finds it
            log.debug("no silences reaped this time: {}", e.toString());
        }
    }

    /** One pass: writes a tombstone for each silence past the retention; returns how many were written. */
    int reap() {
        List<String> ids = silences.pastRetention();
        if (ids.isEmpty()) {
            return 0;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (String id : ids) {
            sent.add(producer.send(new ProducerRecord<>(Topics.SILENCES, id, null)));
        }
        producer.flush();
        int deleted = 0;
        String failure = "";
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
                deleted++;
            } catch (ExecutionException e) {
                failure = e.getCause().toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return deleted;
            }
        }
        if (deleted > 0) {
            log.info(
                    "deleted {} silence(s) that expired more than {}h ago from {} ({}{})",
                    deleted,
                    StoredSilences.RETENTION.toHours(),
                    Topics.SILENCES,
                    String.join(", ", ids.subList(0, Math.min(5, ids.size()))),
                    ids.size() > 5 ? ", ..." : "");
        }
        if (deleted < ids.size()) {
            log.warn(
                    "could not delete {} of {} expired silence(s) from {}: {} (tried again in {} minutes; is the broker reachable?)",
                    ids.size() - deleted,
                    ids.size(),
                    Topics.SILENCES,
                    failure,
                    INTERVAL.toMinutes());
        }
        return deleted;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
