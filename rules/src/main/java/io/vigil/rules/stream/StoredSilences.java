package io.vigil.rules.stream;

import io.vigil.events.DecodeException;
import io.vigil.events.Silence;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.silence.Matchers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silences in the global store, decoded at most once per {@link #REFRESH}: an alert's
 * suppression is checked often, silences change rarely. A silence that expired more than
 * {@link #RETENTION} ago is no longer one of them: it is left for {@link SilenceReaper} to delete.
 * A record that is not a readable silence (it did not come through the API: unreadable, or with a
 * matcher the engine refuses, such as a regular expression too large to compile) is skipped, and
 * said once by the process, however many readers (the API, each task) meet it.
 */
final class StoredSilences implements Supplier<Collection<Silence>> {
    static final Duration REFRESH = Duration.ofSeconds(1);
    /**
     * How long an expired silence is still listed (for "what was silenced last night?"): 120
     * hours, Alertmanager's default data retention. A constant, not a setting: the engine's
     * configuration has no section for silences, and nobody has asked for another value.
     */
    static final Duration RETENTION = Duration.ofHours(120);

    private static final Logger log = LoggerFactory.getLogger(StoredSilences.class);
    /** The unreadable records already said (id and content); forgotten past this many, to be said again at worst. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private static final int REPORTED_MAX = 10_000;

    /** The store as read: the silences, and the ids of those expired longer than the retention. */
    record Contents(List<Silence> silences, List<String> pastRetention) {}

    private final Supplier<ReadOnlyKeyValueStore<String, byte[]>> store;
    private final LongSupplier clock;
    private Contents cached = new Contents(List.of(), List.of());
    private long readAt = Long.MIN_VALUE;

    StoredSilences(Supplier<ReadOnlyKeyValueStore<String, byte[]>> store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Synchronized: the API's threads, the metrics scrape and the reaper share one instance. */
    @Override
    public synchronized Collection<Silence> get() {
        return contents().silences();
    }

    /** The ids of the silences that expired more than {@link #RETENTION} ago. */
    synchronized List<String> pastRetention() {
        return contents().pastRetention();
    }

    private Contents contents() {
        long now = clock.getAsLong();
        if (readAt == Long.MIN_VALUE || now - readAt >= REFRESH.toMillis()) {
            cached = read(store.get(), Instant.ofEpochMilli(now));
            readAt = now;
        }
        return cached;
    }

    static Contents read(ReadOnlyKeyValueStore<String, byte[]> store, Instant now) {
        List<Silence> silences = new ArrayList<>();
        List<String> pastRetention = new ArrayList<>();
        Instant expiredBefore = now.minus(RETENTION);
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                try {
                    Silence s = WireCodec.decode(kv.value, Silence.class);
                    if (!s.endsAt().isAfter(expiredBefore)) {
                        pastRetention.add(kv.key);
                        continue;
                    }
                    s.matchers().forEach(Matchers::check);
                    silences.add(s);
                } catch (DecodeException | IllegalArgumentException e) {
                    if (REPORTED.size() >= REPORTED_MAX) {
                        REPORTED.clear();
                    }
                    if (REPORTED.add(kv.key + "@" + Arrays.hashCode(kv.value))) {
                        log.warn(
                                "silence {} on {} cannot be read and is ignored: {} (write silences with 'vigil silence add')",
                                kv.key,
                                Topics.SILENCES,
                                e.getMessage());
                    }
                }
            }
        }
        return new Contents(List.copyOf(silences), List.copyOf(pastRetention));
    }
}
