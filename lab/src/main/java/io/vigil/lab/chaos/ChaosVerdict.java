package io.vigil.lab.chaos;

import java.util.List;
import java.util.Map;

/**
 * What one chaos run came to.
 *
 * @param applied     the faults that took effect, by kind (a fault the pair refused, such as a second failure of a
 *                    failed disk, is not counted)
 * @param recoveries  per fault kind, seconds from each such fault to the pair serving every VM again from an
 *                    UpToDate Primary (empty for a fault after which it never did within the run)
 * @param downtime    per fault kind, the VM-seconds no host ran a VM while that kind of fault was the latest
 * @param unrecovered faults after which the pair never served every VM again within the run
 * @param violations  each broken invariant, named, with the step and the state around it
 */
public record ChaosVerdict(
        ChaosPlan plan,
        Map<String, Integer> applied,
        Map<String, List<Double>> recoveries,
        Map<String, Double> downtime,
        int unrecovered,
        List<String> violations,
        List<String> timeline) {
    public ChaosVerdict {
        violations = List.copyOf(violations);
        timeline = List.copyOf(timeline);
    }

    public boolean held() {
        return violations.isEmpty();
    }
}
