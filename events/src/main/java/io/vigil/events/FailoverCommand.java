package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.Objects;

/**
 * A human's word to a failover, on {@link Topics#FAILOVER_COMMANDS} keyed by cluster, so it reaches
 * the engine task that holds the cluster's sagas in order with its telemetry. {@code approve}
 * names a saga ({@code pair-1:r0:3}); {@code failback} names the resource, and the saga where the sender knows it
 * (the engine ignores a command for another saga than the current one, or given before it began).
 */
public record FailoverCommand(Verb verb, String cluster, String resource, String sagaId, String by, Instant at) {
    public FailoverCommand {
        Objects.requireNonNull(verb, "verb");
        Name.check("cluster", cluster);
        Name.check("resource", resource);
        Objects.requireNonNull(sagaId, "sagaId");
        if (!sagaId.isEmpty()) {
            Name.check("sagaId", sagaId);
        }
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
    }

    /** What is asked. */
    public enum Verb implements WireEnum {
        APPROVE("approve"),
        FAILBACK("failback");

        private final String wire;

        Verb(String wire) {
            this.wire = wire;
        }

        @Override
        @JsonValue
        public String wire() {
            return wire;
        }

        @JsonCreator
        public static Verb of(String word) {
            return WireEnum.parse(Verb.class, word);
        }
    }
}
