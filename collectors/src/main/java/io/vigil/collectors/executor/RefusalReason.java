package io.vigil.collectors.executor;

/** Why an action record was not run; the word is the {@code reason} label of vigil_agent_actions_refused_total. */
public enum RefusalReason {
    /** Not even an id could be read: logged and counted, no result (there is nothing to name it by). */
    UNREADABLE("unreadable"),
    /** The seal did not open: not sealed with this agent's key, altered, or not an action. */
    SEAL("seal"),
    /** Sealed, for this agent's cluster, but for another node than its key and this agent. */
    MISADDRESSED("misaddressed"),
    /** Its deadline had passed when it arrived. */
    STALE("stale"),
    /** Its deadline is further off than the journal remembers ids, or it was issued in this agent's future. */
    OUT_OF_WINDOW("out-of-window"),
    /** Its type, resource or VM is not on this agent's allow-list. */
    NOT_ALLOWED("not-allowed"),
    /** The topology lacks what it needs (the target node, its fence commands, its migration destination). */
    NOT_CONFIGURED("not-configured");

    private final String word;

    RefusalReason(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }
}
