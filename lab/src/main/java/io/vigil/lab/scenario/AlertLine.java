package io.vigil.lab.scenario;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An alert record as a story's timeline shows it, the same on the rig and on the live lab: its
 * rule, what changed (its state, or whether it is held back), where, and what inhibits it, named by
 * rule as a reader of the timeline knows it rather than by fingerprint.
 */
final class AlertLine {
    private AlertLine() {}

    /** {@code names}: each fingerprint seen so far, with its rule. */
    static String of(Alert alert, Map<String, String> names) {
        // a change of suppression is shown too: an alert that stops being inhibited pages then
        String what = alert.change() == AlertChange.STATE
                ? alert.state().wire()
                : alert.suppressed() ? "suppressed" : "no longer suppressed";
        String why = alert.inhibitedBy().isEmpty()
                ? ""
                : " (inhibited by "
                        + alert.inhibitedBy().stream()
                                .map(by -> names.getOrDefault(by, by))
                                .distinct()
                                .collect(Collectors.joining(", "))
                        + ")";
        return "alert   " + alert.rule() + " " + what + where(alert)
                + (alert.change() == AlertChange.STATE || alert.suppressed() ? why : "");
    }

    private static String where(Alert alert) {
        StringBuilder at = new StringBuilder();
        for (String label : List.of("node", "resource", "device", "vm")) {
            String value = alert.labels().get(label);
            if (value != null) {
                at.append(' ').append(label).append('=').append(value);
            }
        }
        return at.toString();
    }
}
