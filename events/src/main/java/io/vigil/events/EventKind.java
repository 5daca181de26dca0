package io.vigil.events;

import java.util.Arrays;
import java.util.Optional;

/** The {@code kind} field of the envelope, and the body type each kind carries. */
public enum EventKind {
    HEARTBEAT("heartbeat", Heartbeat.class),
    DRBD("drbd", DrbdResource.class),
    DISK("disk", DiskHealth.class),
    LVM("lvm", LvmReport.class),
    VM("vm", VmStatus.class),
    ACTION_RESULT("action-result", ActionResult.class);

    private final String wire;
    private final Class<? extends Body> bodyType;

    EventKind(String wire, Class<? extends Body> bodyType) {
        this.wire = wire;
        this.bodyType = bodyType;
    }

    public String wire() {
        return wire;
    }

    public Class<? extends Body> bodyType() {
        return bodyType;
    }

    public static Optional<EventKind> fromWire(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
    }

    /** The kind {@code text} names, for files people write; throws naming the kinds there are. */
    public static EventKind parse(String text) {
        return fromWire(text).orElseThrow(() -> new IllegalArgumentException("'" + Name.printable(text)
                + "' is not a kind of event (one of " + Arrays.stream(values()).map(EventKind::wire).toList() + ")"));
    }

    @Override
    public String toString() {
        return wire;
    }
}
