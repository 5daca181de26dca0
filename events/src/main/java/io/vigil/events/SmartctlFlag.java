package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** smartctl's exit status, one bit a fact (smartctl(8), EXIT STATUS). */
public enum SmartctlFlag implements WireEnum {
    COMMAND_LINE_ERROR("command-line-error"),
    DEVICE_OPEN_FAILED("device-open-failed"),
    SMART_COMMAND_FAILED("smart-command-failed"),
    DISK_FAILING("disk-failing"),
    PREFAIL_BELOW_THRESHOLD("prefail-below-threshold"),
    THRESHOLD_CROSSED_IN_PAST("threshold-crossed-in-past"),
    ERROR_LOG_HAS_ERRORS("error-log-has-errors"),
    SELF_TEST_LOG_HAS_ERRORS("self-test-log-has-errors");

    private final String wire;

    SmartctlFlag(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The exit-status bit this flag is; constants are declared in bit order. */
    public int bit() {
        return ordinal();
    }

    @JsonCreator
    public static SmartctlFlag of(String word) {
        return WireEnum.parse(SmartctlFlag.class, word);
    }
}
