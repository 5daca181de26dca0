package io.vigil.rules.stream;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's state stores. The three of the evaluator are in memory and changelogged: small
 * (only scopes with something to say are kept), fast, and rebuilt from their changelog topics
 * when a task moves. Silences are a global store, read by every instance from the compacted
 * silences topic itself.
 */
final class EngineStores {
    static final String SCOPES = "alert-scopes";
    static final String PRESENCE = "node-presence";
    static final String PREVIOUS = "previous-bodies";
    static final String SILENCES = "silences";
    /** The failover's: each cluster's facts, each resource's sagas. Changelogged like the evaluator's. */
    static final String FAILOVER_FACTS = "failover-facts";

    static final String FAILOVER_SAGAS = "failover-sagas";

    private EngineStores() {}

    /** The changelogged stores of the engine's topology: the evaluator's, and the failover's when it runs one. */
    static List<String> changelogged(boolean failover) {
        return failover
                ? List.of(SCOPES, PRESENCE, PREVIOUS, FAILOVER_FACTS, FAILOVER_SAGAS)
                : List.of(SCOPES, PRESENCE, PREVIOUS);
    }

    static StoreBuilder<KeyValueStore<String, byte[]>> evaluator(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled();
    }

    static StoreBuilder<KeyValueStore<String, byte[]>> silences() {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SILENCES), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled();
    }
}
