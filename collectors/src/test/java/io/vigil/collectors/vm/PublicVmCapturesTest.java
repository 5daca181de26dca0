package io.vigil.collectors.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.vm.VirshListParser.Domain;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** virsh and xl lists quoted by libvirt's tests and the ArchWiki (src/test/resources/vm/public, SOURCES.md there). */
class PublicVmCapturesTest {
    @Test
    void libvirtsOwnVirshTestListsThreeRunningDomains() {
        ParseResult<Domain> result =
                VirshListParser.parse("lifecycle", VmFixtures.read("public/libvirt_virshtest-lifecycle-list.txt"));
        assertTrue(result.clean(), result::problemsText);
        assertEquals(
                List.of(
                        new Domain(Optional.of(1), "fv0", VmState.RUNNING),
                        new Domain(Optional.of(2), "fc4", VmState.RUNNING),
                        new Domain(Optional.of(3), "fc5", VmState.RUNNING)),
                result.values());
    }

    @Test
    void aDom0WithNoGuestIsAnEmptyListNotAProblem() {
        // xl separates State and Time(s) in its header with tabs
        ParseResult<VmStatus> result =
                XlListParser.parse("xl", VmFixtures.read("public/archwiki_xl-list-dom0-only.txt"));
        assertTrue(result.clean(), result::problemsText);
        assertEquals(List.of(), result.values());
    }
}
