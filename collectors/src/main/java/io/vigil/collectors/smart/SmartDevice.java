package io.vigil.collectors.smart;

import io.vigil.events.Name;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A drive as smartctl addresses it: a device path and, for drives behind a controller or bridge,
 * smartctl's -d type ("megaraid,0" with "/dev/bus/0", "sat", "nvme"). Both end up in smartctl's
 * argv, so both are checked here.
 */
public record SmartDevice(String device, Optional<String> type) {
    // smartctl's -d words: letters, digits, '+' joins ("sat+megaraid,0"), ',' before a port number.
    // No leading '-', so a type can never be read as an option.
    private static final Pattern TYPE = Pattern.compile("[a-z0-9][a-z0-9_+,.:-]{0,63}");

    public SmartDevice {
        Name.checkDevice("smart device", device);
        type = Objects.requireNonNullElse(type, Optional.empty());
        type.ifPresent(SmartDevice::checkType);
    }

    /** Returns {@code type} when it is a smartctl -d word, otherwise throws saying what one looks like. */
    public static String checkType(String type) {
        if (!TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("smart device type: '" + Name.printable(type)
                    + "' is not a smartctl -d type (lower-case letters, digits and _ + , . : -, e.g. megaraid,0)");
        }
        return type;
    }

    public static SmartDevice of(String device) {
        return new SmartDevice(device, Optional.empty());
    }

    public static SmartDevice of(String device, String type) {
        return new SmartDevice(device, Optional.of(type));
    }

    @Override
    public String toString() {
        return type.map(t -> device + " (-d " + t + ")").orElse(device);
    }
}
