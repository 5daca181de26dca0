package io.vigil.collectors.probe;

import io.vigil.events.Body;

/** Where probes hand the facts they read; the agent stamps them into envelopes and publishes. */
@FunctionalInterface
public interface EventSink {
    /** Never blocks for long: publishing spools when Kafka is away. */
    void emit(Body body);
}
