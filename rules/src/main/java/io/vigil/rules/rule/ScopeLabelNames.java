package io.vigil.rules.rule;

import io.vigil.events.EventKind;
import java.util.List;

/**
 * The labels that say which thing an event is about, added to every alert of a rule on that
 * kind: the resource of a drbd event, the device (and its smartctl type) of a disk event, the VM
 * of a vm event. Heartbeats and LVM reports are about the whole host.
 */
public final class ScopeLabelNames {
    private ScopeLabelNames() {
    }

    public static List<String> of(EventKind kind) {
        return switch (kind) {
            case DRBD -> List.of("resource");
            case DISK -> List.of("device", "device_type");
            case VM -> List.of("vm");
            case HEARTBEAT, LVM, ACTION_RESULT -> List.of();
        };
    }
}
