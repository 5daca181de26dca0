package io.vigil.rules.stream;

import io.vigil.events.Topics;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the engine learned from Kafka refusing its records: per topic, a size that is known to be
 * too large, or for dead letters that none is taken. Under exactly-once a refused send dooms the transaction: the
 * stream thread dies, and its replacement reads the same input again and would make the same
 * record, for ever. With this the replacement makes a smaller one (a dead letter cut shorter) or
 * none (an alert that cannot be cut), so the input is done with after one thread.
 *
 * <p>Learned from the record, not from where it came from: a broker's answer arrives while the
 * task is already at a later record. Kept in memory only: after a restart it is learned again.
 */
final class RefusedSizes {
    /** The topics whose records the engine can make smaller or leave out; a changelog's cannot be. */
    static final Set<String> SHRINKABLE = Set.of(Topics.ALERTS, Topics.DEADLETTER);

    private final Map<String, Integer> tooLarge = new ConcurrentHashMap<>();
    private volatile boolean avoided;

    /** Kafka refused a record of {@code bytes} for {@code topic} for its size. */
    void refused(String topic, int bytes) {
        tooLarge.merge(topic, bytes, Math::min);
        avoided |= SHRINKABLE.contains(topic);
    }

    /**
     * Kafka refused a dead letter for something other than its size (the topic is compacted and it
     * has no key): whatever its size the next may meet the same answer, so none is sent any more,
     * until a restart. An alert is never left out so.
     */
    void refusedDeadLetter() {
        tooLarge.put(Topics.DEADLETTER, 0);
        avoided = true;
    }

    /**
     * Whether a record was refused, since the last call, that the next thread will make smaller or
     * leave out (so a thread that died of it will not die of it again); the call forgets it.
     */
    boolean takeAvoidedRefusal() {
        boolean was = avoided;
        avoided = false;
        return was;
    }

    /** The largest record worth sending to {@code topic} from now on: half the smallest refused, or any size if none was. */
    OptionalInt limit(String topic) {
        Integer refused = tooLarge.get(topic);
        return refused == null ? OptionalInt.empty() : OptionalInt.of(refused / 2);
    }
}
