package io.vigil.rules.alert;

import io.vigil.events.AlertLabels;
import java.util.Map;

/** What an evaluation found for one series: its identity and, when its condition holds, its annotations rendered now. */
public record Candidate(String rule, Map<String, String> labels, Map<String, String> annotations, boolean failover) {
    public Candidate {
        labels = AlertLabels.checked("labels", labels);
        annotations = Map.copyOf(annotations);
    }

    public String fingerprint() {
        return AlertLabels.fingerprint(labels);
    }
}
