package io.vigil.events;

import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one event is about: the whole host, or one DRBD resource, drive or VM on it. Each body
 * says its own ({@link Body#subject()}), so whatever keys, labels or tags events by what they are
 * about (the rules' scope labels, the agent's metrics, the lab's picture) names a thing one way.
 */
public sealed interface Subject permits Subject.Host, Subject.Resource, Subject.Disk, Subject.Vm {
    /** The label names a subject may carry, as alerts carry them; {@link EventKind#subjectLabels()} lists them per kind. */
    String RESOURCE = "resource";

    String DEVICE = "device";
    String DEVICE_TYPE = "device_type";
    String VM = "vm";

    /** Its name among the host's subjects of the same kind. */
    String id();

    /** The labels that name it; a label with no value (a drive smartctl reads without -d) is absent, not empty. */
    SortedMap<String, String> labels();

    /** The host as a whole: its heartbeat, its LVM report, an action that ended on it. */
    record Host() implements Subject {
        @Override
        public String id() {
            return "host";
        }

        @Override
        public SortedMap<String, String> labels() {
            return Collections.emptySortedMap();
        }
    }

    record Resource(String name) implements Subject {
        public Resource {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String id() {
            return name;
        }

        @Override
        public SortedMap<String, String> labels() {
            return Collections.unmodifiableSortedMap(new TreeMap<>(java.util.Map.of(RESOURCE, name)));
        }
    }

    /**
     * A drive as smartctl addresses it: drives behind one controller share the device and differ
     * by the type ("/dev/bus/0" with "megaraid,0" and "megaraid,1"), so the type is part of the id.
     */
    record Disk(String device, Optional<String> deviceType) implements Subject {
        public Disk {
            Objects.requireNonNull(device, "device");
            deviceType = Objects.requireNonNullElse(deviceType, Optional.empty());
        }

        /** The device with smartctl's own -d argument: "/dev/bus/0 -d megaraid,1", or "/dev/sda". */
        @Override
        public String id() {
            return device + deviceType.map(t -> " -d " + t).orElse("");
        }

        @Override
        public SortedMap<String, String> labels() {
            SortedMap<String, String> labels = new TreeMap<>();
            labels.put(DEVICE, device);
            deviceType.ifPresent(t -> labels.put(DEVICE_TYPE, t));
            return Collections.unmodifiableSortedMap(labels);
        }
    }

    record Vm(String name) implements Subject {
        public Vm {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String id() {
            return name;
        }

        @Override
        public SortedMap<String, String> labels() {
            return Collections.unmodifiableSortedMap(new TreeMap<>(java.util.Map.of(VM, name)));
        }
    }
}
