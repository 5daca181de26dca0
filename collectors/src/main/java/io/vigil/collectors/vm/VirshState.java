package io.vigil.collectors.vm;

import io.vigil.events.VmState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The state words virsh prints (list --all, dominfo), as {@link VmState}. */
final class VirshState {
    // virsh spells two of its states with a space; longest first so a suffix match finds them whole
    private static final Map<String, VmState> WORDS = new LinkedHashMap<>();

    static {
        WORDS.put("in shutdown", VmState.IN_SHUTDOWN);
        WORDS.put("pmsuspended", VmState.PM_SUSPENDED);
        WORDS.put("shut off", VmState.SHUT_OFF);
        WORDS.put("running", VmState.RUNNING);
        WORDS.put("crashed", VmState.CRASHED);
        WORDS.put("paused", VmState.PAUSED);
        WORDS.put("idle", VmState.IDLE);
        WORDS.put("dying", VmState.DYING);
    }

    private VirshState() {}

    static Optional<VmState> of(String word) {
        return Optional.ofNullable(WORDS.get(word));
    }

    /** The state word a list row ends with, if it ends with one ("no state" is not one: it says nothing). */
    static Optional<String> suffixOf(String row) {
        return WORDS.keySet().stream().filter(w -> row.endsWith(" " + w)).findFirst();
    }
}
