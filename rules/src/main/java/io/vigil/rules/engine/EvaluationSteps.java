package io.vigil.rules.engine;

import io.vigil.events.Alert;
import io.vigil.events.Envelope;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The evaluator's steps (an event, a tick), each all or nothing. What a step writes waits until
 * its alerts were handed on, and is then applied to the tables; a step that fails before leaves
 * the tables as they were, and the evaluator is made anew from them, so that its caches forget
 * the step too. The step's retry (the next tick, the event sent again) then publishes what it
 * would have, once. Written as it went, a step that failed after its writes left an alert firing
 * in the store whose record was never sent, and no later step sent it: the state said it was told.
 */
public final class EvaluationSteps {
    /** What one step hands on: the alerts that changed, and the fingerprints of those forgotten for good. */
    public record Output(List<Alert> alerts, List<String> forgotten) {}

    private final StagedTable<ScopeAlerts> scopes;
    private final StagedTable<NodePresence> presence;
    private final StagedTable<PreviousBody> previous;
    private final Function<EngineTables, RuleEvaluator> create;
    private RuleEvaluator evaluator;
    /** Whether a step failed since the evaluator was made: its caches hold what the tables do not. */
    private boolean stale;

    /** {@code create}: an evaluator over the tables it is given, as when an instance takes over. */
    public EvaluationSteps(EngineTables tables, Function<EngineTables, RuleEvaluator> create) {
        this.scopes = new StagedTable<>(tables.scopes());
        this.presence = new StagedTable<>(tables.presence());
        this.previous = new StagedTable<>(tables.previous());
        this.create = create;
        this.evaluator = create.apply(new EngineTables(scopes, presence, previous));
        apply();
    }

    public void onEvent(Envelope event, byte[] raw, Instant now, Consumer<Output> handOn) {
        step(e -> e.onEvent(event, raw, now), handOn);
    }

    public void onTick(Instant now, Consumer<Output> handOn) {
        step(e -> e.onTick(now), handOn);
    }

    /** See {@link RuleEvaluator#nodesHeard()}. */
    public List<NodeHeard> nodesHeard() {
        return evaluator.nodesHeard();
    }

    private void step(Function<RuleEvaluator, List<Alert>> evaluate, Consumer<Output> handOn) {
        try {
            if (stale) {
                evaluator = create.apply(new EngineTables(scopes, presence, previous));
                stale = false;
            }
            List<Alert> alerts = evaluate.apply(evaluator);
            handOn.accept(new Output(alerts, evaluator.drainForgotten()));
        } catch (RuntimeException e) {
            scopes.discard();
            presence.discard();
            previous.discard();
            stale = true;
            throw e;
        }
        apply();
    }

    private void apply() {
        scopes.apply();
        presence.apply();
        previous.apply();
    }
}
