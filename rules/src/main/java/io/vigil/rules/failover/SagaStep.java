package io.vigil.rules.failover;

import io.vigil.events.ActionOutcome;
import io.vigil.events.ActionType;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a saga: the action last sent for it (its id ends in the attempt number), and what
 * came of it. A step is sent once per attempt; a new attempt is a new id.
 */
public record SagaStep(
        String name,
        String node,
        ActionType type,
        String actionId,
        int attempt,
        StepStatus status,
        Instant sentAt,
        Instant deadline,
        Optional<Integer> exitCode,
        String lastOutput) {
    public SagaStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actionId, "actionId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(sentAt, "sentAt");
        Objects.requireNonNull(deadline, "deadline");
        exitCode = Objects.requireNonNullElse(exitCode, Optional.empty());
        Objects.requireNonNull(lastOutput, "lastOutput");
    }

    /** Where a step stands. */
    public enum StepStatus {
        SENT,
        SUCCEEDED,
        FAILED,
        TIMED_OUT,
        REFUSED,
        /** A human approved another attempt after the saga got stuck on this step. */
        RETRY_APPROVED;

        public static StepStatus of(ActionOutcome outcome) {
            return switch (outcome) {
                case SUCCEEDED -> SUCCEEDED;
                case FAILED -> FAILED;
                case REFUSED -> REFUSED;
                case TIMED_OUT -> TIMED_OUT;
            };
        }
    }

    public boolean done() {
        return status == StepStatus.SUCCEEDED;
    }

    public boolean waiting() {
        return status == StepStatus.SENT;
    }

    SagaStep ended(StepStatus status, Optional<Integer> exitCode, String output) {
        return new SagaStep(name, node, type, actionId, attempt, status, sentAt, deadline, exitCode, output);
    }
}
