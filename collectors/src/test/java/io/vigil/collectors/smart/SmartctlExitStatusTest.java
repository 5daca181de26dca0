package io.vigil.collectors.smart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.events.SmartctlFlag;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SmartctlExitStatusTest {
    @Test
    void decodesEachBitAsDocumentedInSmartctlManPage() {
        assertEquals(Set.of(), SmartctlExitStatus.decode(0));
        assertEquals(Set.of(SmartctlFlag.COMMAND_LINE_ERROR), SmartctlExitStatus.decode(1));
        assertEquals(Set.of(SmartctlFlag.DEVICE_OPEN_FAILED), SmartctlExitStatus.decode(2));
        assertEquals(Set.of(SmartctlFlag.SMART_COMMAND_FAILED), SmartctlExitStatus.decode(4));
        assertEquals(Set.of(SmartctlFlag.DISK_FAILING), SmartctlExitStatus.decode(8));
        assertEquals(Set.of(SmartctlFlag.PREFAIL_BELOW_THRESHOLD), SmartctlExitStatus.decode(16));
        assertEquals(Set.of(SmartctlFlag.THRESHOLD_CROSSED_IN_PAST), SmartctlExitStatus.decode(32));
        assertEquals(Set.of(SmartctlFlag.ERROR_LOG_HAS_ERRORS), SmartctlExitStatus.decode(64));
        assertEquals(Set.of(SmartctlFlag.SELF_TEST_LOG_HAS_ERRORS), SmartctlExitStatus.decode(128));
    }

    @Test
    void decodesCombinedBitsAndRoundTrips() {
        assertEquals(
                Set.of(SmartctlFlag.DISK_FAILING, SmartctlFlag.PREFAIL_BELOW_THRESHOLD), SmartctlExitStatus.decode(24));
        for (int status = 0; status < 256; status++) {
            assertEquals(status, SmartctlExitStatus.encode(SmartctlExitStatus.decode(status)));
        }
        assertEquals(EnumSet.allOf(SmartctlFlag.class), SmartctlExitStatus.decode(255));
    }

    @Test
    void statusOutsideTheByteMeansNoFlags() {
        assertEquals(Set.of(), SmartctlExitStatus.decode(-1));
        assertEquals(Set.of(), SmartctlExitStatus.decode(256));
    }
}
