package io.vigil.events;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The health of one drive as smartctl reports it. Counters are empty when the drive (or its
 * protocol) does not report them; {@code flags} are smartctl's exit-status bits, decoded.
 * {@code deviceType} is smartctl's -d argument for drives behind a controller ("megaraid,0").
 */
public record DiskHealth(
        String device,
        Optional<String> deviceType,
        Optional<String> model,
        Optional<String> serial,
        DiskProtocol protocol,
        Optional<Boolean> smartPassed,
        int exitStatus,
        Set<SmartctlFlag> flags,
        Optional<Long> reallocatedSectors,
        Optional<Long> pendingSectors,
        Optional<Long> offlineUncorrectableSectors,
        Optional<Integer> nvmeCriticalWarning,
        Optional<Long> mediaErrors,
        Optional<Integer> percentageUsed,
        Optional<Double> temperatureCelsius,
        Optional<Long> powerOnHours,
        List<String> messages)
        implements Body {
    public DiskHealth {
        Name.checkDevice("device", device);
        deviceType = Objects.requireNonNullElse(deviceType, Optional.empty());
        deviceType.ifPresent(t -> Name.check("deviceType", t.replace(',', '_')));
        model = Objects.requireNonNullElse(model, Optional.empty());
        serial = Objects.requireNonNullElse(serial, Optional.empty());
        Objects.requireNonNull(protocol, "protocol");
        smartPassed = Objects.requireNonNullElse(smartPassed, Optional.empty());
        flags = Set.copyOf(flags);
        reallocatedSectors = Objects.requireNonNullElse(reallocatedSectors, Optional.empty());
        pendingSectors = Objects.requireNonNullElse(pendingSectors, Optional.empty());
        offlineUncorrectableSectors = Objects.requireNonNullElse(offlineUncorrectableSectors, Optional.empty());
        nvmeCriticalWarning = Objects.requireNonNullElse(nvmeCriticalWarning, Optional.empty());
        mediaErrors = Objects.requireNonNullElse(mediaErrors, Optional.empty());
        percentageUsed = Objects.requireNonNullElse(percentageUsed, Optional.empty());
        temperatureCelsius = Objects.requireNonNullElse(temperatureCelsius, Optional.empty());
        powerOnHours = Objects.requireNonNullElse(powerOnHours, Optional.empty());
        messages = List.copyOf(messages);
    }

    @Override
    public Subject subject() {
        return new Subject.Disk(device, deviceType);
    }

    @Override
    public EventKind kind() {
        return EventKind.DISK;
    }
}
