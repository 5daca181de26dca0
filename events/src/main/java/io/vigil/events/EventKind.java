package io.vigil.events;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The {@code kind} field of the envelope, and the body type each kind carries. */
public enum EventKind {
    HEARTBEAT("heartbeat", Heartbeat.class, List.of()),
    DRBD("drbd", DrbdResource.class, List.of(Subject.RESOURCE)),
    DISK("disk", DiskHealth.class, List.of(Subject.DEVICE, Subject.DEVICE_TYPE)),
    LVM("lvm", LvmReport.class, List.of()),
    VM("vm", VmStatus.class, List.of(Subject.VM)),
    ACTION_RESULT("action-result", ActionResult.class, List.of());

    private final String wire;
    private final Class<? extends Body> bodyType;
    private final List<String> subjectLabels;

    EventKind(String wire, Class<? extends Body> bodyType, List<String> subjectLabels) {
        this.wire = wire;
        this.bodyType = bodyType;
        this.subjectLabels = subjectLabels;
    }

    public String wire() {
        return wire;
    }

    public Class<? extends Body> bodyType() {
        return bodyType;
    }

    /**
     * Every label the subject of an event of this kind may carry ({@link Subject#labels()}); known
     * before any event arrives, so rules can be checked against them when they are loaded.
     */
    public List<String> subjectLabels() {
        return subjectLabels;
    }

    public static Optional<EventKind> fromWire(String wire) {
        return Arrays.stream(values()).filter(k -> k.wire.equals(wire)).findFirst();
    }

    /** The kind {@code text} names, for files people write; throws naming the kinds there are. */
    public static EventKind parse(String text) {
        return fromWire(text)
                .orElseThrow(() ->
                        new IllegalArgumentException("'" + Name.printable(text) + "' is not a kind of event (one of "
                                + Arrays.stream(values()).map(EventKind::wire).toList() + ")"));
    }

    @Override
    public String toString() {
        return wire;
    }
}
