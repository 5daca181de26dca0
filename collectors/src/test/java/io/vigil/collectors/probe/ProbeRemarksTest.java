package io.vigil.collectors.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vigil.collectors.LoggedLines;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProbeRemarksTest {
    private final ProbeRemarks remarks = new ProbeRemarks(LoggerFactory.getLogger(ProbeRemarksTest.class));
    private final LoggedLines logged = LoggedLines.of(ProbeRemarksTest.class);

    @AfterEach
    void release() {
        logged.close();
    }

    /** What was logged since the last call, with its level. */
    private List<String> lines() {
        return logged.takeWithLevels();
    }

    @Test
    void aLastingConditionIsOneLineWhenItBeginsOneWhenItChangesAndOneWhenItEnds() {
        for (int poll = 0; poll < 3; poll++) {
            remarks.startPoll();
            remarks.warn("vm: vm=ghost resource=r1", "is configured but libvirt does not list it");
            remarks.info("vm: vm=web guest agent", "did not answer: timeout");
            remarks.pollDone();
        }
        assertEquals(
                List.of(
                        "WARN vm: vm=ghost resource=r1 is configured but libvirt does not list it",
                        "INFO vm: vm=web guest agent did not answer: timeout"),
                lines());

        remarks.startPoll();
        remarks.info("vm: vm=web guest agent", "did not answer: connection refused");
        remarks.pollDone();
        assertEquals(
                List.of(
                        "INFO vm: vm=web guest agent did not answer: connection refused",
                        "INFO vm: vm=ghost resource=r1 no longer: is configured but libvirt does not list it"),
                lines());

        remarks.startPoll();
        remarks.warn("vm: vm=ghost resource=r1", "is configured but libvirt does not list it");
        remarks.pollDone();
        assertEquals(
                List.of(
                        "WARN vm: vm=ghost resource=r1 is configured but libvirt does not list it",
                        "INFO vm: vm=web guest agent no longer: did not answer: connection refused"),
                lines(),
                "a condition that comes back is said again");
    }

    @Test
    void aPollThatFailsEndsNothing() {
        remarks.startPoll();
        remarks.warn("lvm: lv=vg0/r0-disk resource=r0", "is configured but lvs does not list it");
        remarks.pollDone();
        lines();

        remarks.startPoll(); // vgs failed: the poll threw before it got to the LVs
        remarks.startPoll();
        remarks.warn("lvm: lv=vg0/r0-disk resource=r0", "is configured but lvs does not list it");
        remarks.pollDone();
        assertEquals(List.of(), lines());
    }
}
