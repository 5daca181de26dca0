package io.vigil.rules.rule;

import io.vigil.events.LabelMatcher;
import java.util.List;

/**
 * While an alert matching {@code source} fires, alerts matching {@code target} with the same
 * values of the {@code equal} labels are inhibited, as in Alertmanager. The cluster is always
 * among the equal labels: a cluster is the unit an engine instance sees whole.
 */
public record InhibitRule(List<LabelMatcher> source, List<LabelMatcher> target, List<String> equal, RuleSource origin) {
    public InhibitRule {
        source = List.copyOf(source);
        target = List.copyOf(target);
        equal = List.copyOf(equal);
    }
}
