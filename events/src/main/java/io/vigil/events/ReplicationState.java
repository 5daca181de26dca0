package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The replication state of one volume towards one peer (DRBD 9 words; DRBD 8 folds these into its cs: field). */
public enum ReplicationState implements WireEnum {
    OFF("Off"),
    ESTABLISHED("Established"),
    STARTING_SYNC_S("StartingSyncS"),
    STARTING_SYNC_T("StartingSyncT"),
    WF_BITMAP_S("WFBitMapS"),
    WF_BITMAP_T("WFBitMapT"),
    WF_SYNC_UUID("WFSyncUUID"),
    SYNC_SOURCE("SyncSource"),
    SYNC_TARGET("SyncTarget"),
    VERIFY_S("VerifyS"),
    VERIFY_T("VerifyT"),
    PAUSED_SYNC_S("PausedSyncS"),
    PAUSED_SYNC_T("PausedSyncT"),
    AHEAD("Ahead"),
    BEHIND("Behind");

    private final String wire;

    ReplicationState(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static ReplicationState of(String word) {
        return WireEnum.parse(ReplicationState.class, word);
    }
}
