package io.vigil.collectors.smart;

import io.vigil.events.SmartctlFlag;
import java.util.EnumSet;
import java.util.Set;

/**
 * smartctl's exit status is a bit mask (smartctl(8), EXIT STATUS): bit 0 the command line did not
 * parse, 1 the device could not be opened, 2 a SMART command failed, 3 the disk is failing,
 * 4 a prefail attribute is at or below its threshold, 5 an attribute was below threshold in the
 * past, 6 the error log has errors, 7 the self-test log has errors.
 */
public final class SmartctlExitStatus {
    private SmartctlExitStatus() {}

    /** The flags set in {@code exitStatus}; empty for 0 and for a status outside 0..255. */
    public static Set<SmartctlFlag> decode(int exitStatus) {
        Set<SmartctlFlag> flags = EnumSet.noneOf(SmartctlFlag.class);
        if (exitStatus < 0 || exitStatus > 255) {
            return flags;
        }
        for (SmartctlFlag flag : SmartctlFlag.values()) {
            if ((exitStatus & (1 << flag.bit())) != 0) {
                flags.add(flag);
            }
        }
        return flags;
    }

    /** The exit status that sets exactly {@code flags}: the inverse of {@link #decode}. */
    public static int encode(Set<SmartctlFlag> flags) {
        int status = 0;
        for (SmartctlFlag flag : flags) {
            status |= 1 << flag.bit();
        }
        return status;
    }
}
