package io.vigil.rules.failover;

import java.util.Objects;
import java.util.Optional;

/**
 * One saga as it stood before an input and after it ({@code before} empty for a saga just begun),
 * so that whoever watches the failover (its metrics) reads what changed from the states
 * themselves: steps that ended, phases entered, sagas that ended.
 */
public record SagaChange(Optional<Saga> before, Saga after) {
    public SagaChange {
        before = Objects.requireNonNullElse(before, Optional.empty());
        Objects.requireNonNull(after, "after");
    }
}
