package io.vigil.rules.failover;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one of a saga's VMs is, as far as the saga can tell: its own completed moves of the VM
 * first (a move's success is newer than any report the engine had when it was sent; the agents
 * report on their own schedule), then the agents' reports. Not having heard is its own answer,
 * {@link Unknown}, and is never read as "not running".
 */
public sealed interface VmWhereabouts {

    /** The VM runs on {@code node}; {@code evidence} says how that is known. */
    record RunsOn(String node, String evidence) implements VmWhereabouts {
        public RunsOn {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(evidence, "evidence");
        }
    }

    /** Nothing says the VM runs anywhere, and {@code node} (the host it would leave) is known not to run it. */
    record NotRunningOn(String node, String evidence) implements VmWhereabouts {
        public NotRunningOn {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(evidence, "evidence");
        }
    }

    /** Nobody has said where the VM runs, and the host it would leave has not said it does not: it may run there. */
    record Unknown(String vm, String node) implements VmWhereabouts {
        public Unknown {
            Objects.requireNonNull(vm, "vm");
            Objects.requireNonNull(node, "node");
        }
    }

    default boolean runsOn(String node) {
        return this instanceof RunsOn r && r.node().equals(node);
    }

    /**
     * Where {@code vm} is, as it matters to {@code leaving} (the host it would leave, or whose memory
     * it may use): see {@link #running} for where it runs.
     */
    static VmWhereabouts of(Saga saga, ClusterFacts facts, String vm, String leaving) {
        Optional<RunsOn> runs = running(saga, facts, vm);
        if (runs.isPresent()) {
            return runs.get();
        }
        Optional<VmReport> there = facts.vm(leaving, vm);
        if (there.isPresent()) {
            return new NotRunningOn(
                    leaving,
                    there.get().vm().state().wire() + " (" + there.get().evidence() + ")");
        }
        Optional<SagaStep> fence = saga.step("fence:" + leaving).filter(SagaStep::done);
        Optional<SagaStep> status = saga.step("fence-status:" + leaving).filter(SagaStep::done);
        if (fence.isPresent() && status.isPresent()) {
            // a host whose power is confirmed off runs nothing, reported or not
            return new NotRunningOn(
                    leaving,
                    "fenced by " + fence.get().actionId() + ", power off confirmed by "
                            + status.get().actionId());
        }
        return new Unknown(vm, leaving);
    }

    /**
     * Where {@code vm} runs: where the saga's latest completed move put it (back home after the
     * failback, on the survivor after the failover), else where the freshest report says it runs;
     * empty when neither says.
     */
    static Optional<RunsOn> running(Saga saga, ClusterFacts facts, String vm) {
        return movedBy(saga, vm)
                .or(() -> facts.whereRunning(vm)
                        .flatMap(node -> facts.vm(node, vm))
                        .map(r -> new RunsOn(r.node(), "reported running (" + r.evidence() + ")")));
    }

    /** Where the saga's latest completed move of {@code vm} put it: home after the failback's, the survivor after the failover's. */
    static Optional<RunsOn> movedBy(Saga saga, String vm) {
        for (String step : List.of("fb-migrate:", "fb-start:")) {
            if (saga.step(step + vm).filter(SagaStep::done).isPresent()) {
                return Optional.of(new RunsOn(saga.failing(), step + vm + " succeeded"));
            }
        }
        for (String step : List.of("migrate:", "start:")) {
            if (saga.step(step + vm).filter(SagaStep::done).isPresent()) {
                return Optional.of(new RunsOn(saga.survivor(), step + vm + " succeeded"));
            }
        }
        return Optional.empty();
    }
}
