package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SubjectTest {
    @Test
    void eachKindNamesItsSubjectWithExactlyTheLabelsTheKindDeclares() {
        Set<EventKind> seen = EnumSet.noneOf(EventKind.class);
        for (Body body : EnvelopeCodecTest.oneOfEachKind()) {
            seen.add(body.kind());
            // the sample drive sits behind a controller, so every label its kind may carry is there
            assertEquals(
                    body.kind().subjectLabels(),
                    List.copyOf(body.subject().labels().keySet()),
                    body.kind().wire());
        }
        assertEquals(
                EnumSet.allOf(EventKind.class),
                seen,
                "a kind without a sample body is a kind whose subject nobody checks");
    }

    @Test
    void eachBodyIsAboutTheThingItNames() {
        Map<EventKind, Subject> subjects = new TreeMap<>();
        EnvelopeCodecTest.oneOfEachKind().forEach(b -> subjects.put(b.kind(), b.subject()));
        assertEquals(new Subject.Resource("r0"), subjects.get(EventKind.DRBD));
        assertEquals(new Subject.Disk("/dev/bus/0", Optional.of("megaraid,0")), subjects.get(EventKind.DISK));
        assertEquals(new Subject.Vm("web"), subjects.get(EventKind.VM));
        assertEquals(new Subject.Host(), subjects.get(EventKind.HEARTBEAT));
        assertEquals(new Subject.Host(), subjects.get(EventKind.LVM));
        assertEquals(new Subject.Host(), subjects.get(EventKind.ACTION_RESULT));
    }

    @Test
    void drivesBehindOneControllerAreTwoSubjectsNamedAsSmartctlIsAsked() {
        Subject slot0 = new Subject.Disk("/dev/bus/0", Optional.of("megaraid,0"));
        Subject slot1 = new Subject.Disk("/dev/bus/0", Optional.of("megaraid,1"));
        assertNotEquals(slot0.id(), slot1.id());
        assertEquals("/dev/bus/0 -d megaraid,1", slot1.id());
        assertEquals(Map.of("device", "/dev/bus/0", "device_type", "megaraid,1"), slot1.labels());
    }

    @Test
    void aDriveReadWithoutATypeHasNoTypeLabelRatherThanAnEmptyOne() {
        Subject sda = new Subject.Disk("/dev/sda", Optional.empty());
        assertEquals("/dev/sda", sda.id());
        assertEquals(Map.of("device", "/dev/sda"), sda.labels());
        assertTrue(EventKind.DISK.subjectLabels().containsAll(sda.labels().keySet()));
    }
}
