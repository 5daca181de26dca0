package io.vigil.rules.rule;

import io.vigil.events.LabelMatcher;
import java.util.List;

/**
 * While a failover holds a VM running on another node than the one an alert names, the alerts
 * matching {@code target} about that VM ({@code vm} and {@code resource} labels) on the node it
 * left are inhibited by the saga, as Pacemaker's placement overrides a resource's preferred node:
 * "web is not running on node-a" is true, and the failover is why. Written in a rule file as
 *
 * <pre>
 * inhibit:
 *   - source_failover: holds_vm_elsewhere
 *     target_matchers: ['alertname="VmNotRunning"']
 * </pre>
 */
public record FailoverInhibition(List<LabelMatcher> target, RuleSource origin) {
    /** The one failover fact an inhibition may rest on today, as a rule file names it. */
    public static final String HOLDS_VM_ELSEWHERE = "holds_vm_elsewhere";

    public FailoverInhibition {
        target = List.copyOf(target);
    }
}
