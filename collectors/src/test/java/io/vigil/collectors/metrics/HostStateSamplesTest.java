package io.vigil.collectors.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.vigil.collectors.metrics.HostStateSamples.Sample;
import io.vigil.events.Body;
import io.vigil.events.VmState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class HostStateSamplesTest {
    private static final Tags BASE = Tags.of("cluster", "pair-1", "node", "node-a");

    private static Map<String, String> tags(Sample s) {
        Map<String, String> out = new HashMap<>();
        for (Tag t : s.tags()) {
            out.put(t.getKey(), t.getValue());
        }
        return out;
    }

    /** Every sample of a body names the body's subject as the rules' labels do, under the metric's own tag names. */
    @Test
    void everySampleIsTaggedWithTheSubjectItsBodyNames() {
        Map<Body, Map<String, String>> expected = Map.of(
                HostStates.r0Resyncing(), Map.of("resource", "r0"),
                HostStates.megaraid(1), Map.of("device", "/dev/bus/0", "type", "megaraid,1"),
                HostStates.sda(), Map.of("device", "/dev/sda", "type", ""),
                HostStates.vm("web", VmState.RUNNING), Map.of("vm", "web"),
                HostStates.lvm(true), Map.of(),
                HostStates.heartbeat(), Map.of());
        expected.forEach((body, subject) -> {
            List<Sample> samples = HostStateSamples.of(body, BASE);
            assertFalse(samples.isEmpty(), body.kind().wire());
            for (Sample s : samples) {
                Map<String, String> want = new TreeMap<>(subject);
                want.put("cluster", "pair-1");
                want.put("node", "node-a");
                Map<String, String> got = new TreeMap<>(tags(s));
                got.keySet().retainAll(Set.of("cluster", "node", "resource", "device", "type", "vm"));
                if (s.metric().name().equals("vigil.vm.info")
                        || s.metric().name().equals("vigil.lvm.lv.info")) {
                    got.remove("resource"); // the resource a VM's or an LV's data lives on: a detail, not the subject
                }
                assertEquals(want, got, body.kind().wire() + " " + s.metric().name());
            }
        });
    }

    /** A meter's tag keys never vary: a drive read without -d has the same keys as one behind a controller. */
    @Test
    void aDriveWithoutATypeCarriesTheSameTagKeysAsOneWithIt() {
        Map<String, Set<String>> plain = keysByMetric(HostStateSamples.of(HostStates.sda(), BASE));
        Map<String, Set<String>> typed = keysByMetric(HostStateSamples.of(HostStates.megaraid(0), BASE));
        plain.keySet().retainAll(typed.keySet());
        plain.forEach((name, keys) -> assertEquals(typed.get(name), keys, name));
    }

    private static Map<String, Set<String>> keysByMetric(List<Sample> samples) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (Sample s : samples) {
            out.computeIfAbsent(s.metric().name(), n -> new TreeSet<>()).addAll(tags(s).keySet());
        }
        return out;
    }
}
