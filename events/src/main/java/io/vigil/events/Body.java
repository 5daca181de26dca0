package io.vigil.events;

/** What an envelope carries: one of a closed set of typed facts about a host. */
public sealed interface Body permits Heartbeat, DrbdResource, DiskHealth, LvmReport, VmStatus, ActionResult {
    EventKind kind();

    /** What this event is about, named once for every reader (see {@link Subject}). */
    Subject subject();
}
