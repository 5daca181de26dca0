package io.vigil.rules.engine;

/** The three tables an evaluator keeps its state in. */
public record EngineTables(
        StateTable<ScopeAlerts> scopes, StateTable<NodePresence> presence, StateTable<PreviousBody> previous) {
    /** Tables in plain maps, for rule tests. */
    public static EngineTables inMemory() {
        return new EngineTables(new MapStateTable<>(), new MapStateTable<>(), new MapStateTable<>());
    }
}
