package io.vigil.rules.notify.pagerduty;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Alert;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.HttpPost;
import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.Receiver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PagerDuty's Events API v2: one event per alert, {@code trigger} while it fires and {@code resolve}
 * when it ends, with the alert's fingerprint as {@code dedup_key}, so PagerDuty keeps one incident
 * per alert however often it is told. A 429 or 5xx is worth a retry (the notifier's backoff does
 * it); a 400 is not, and its body, which says what PagerDuty disliked, goes with the refusal.
 */
public record PagerDutyReceiver(PagerDutySpec spec) implements Receiver {
    private static final int MAX_SUMMARY = 1024;

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Outcome deliver(Notification n) throws InterruptedException {
        List<String> answers = new ArrayList<>();
        for (Alert a : n.all()) {
            boolean firing = n.firing().contains(a);
            Outcome outcome = HttpPost.json(
                    spec.url(), WireCodec.encode(event(a, firing, n.externalUrl())), Map.of(), spec.timeout());
            if (!(outcome instanceof Outcome.Delivered d)) {
                return outcome;
            }
            answers.add(a.fingerprint() + ": " + d.answer());
        }
        return new Outcome.Delivered(String.join("; ", answers));
    }

    ObjectNode event(Alert a, boolean firing, String externalUrl) {
        ObjectNode event = WireCodec.json().createObjectNode();
        event.put("routing_key", spec.routingKey().reveal());
        event.put("event_action", firing ? "trigger" : "resolve");
        event.put("dedup_key", a.fingerprint());
        if (!firing) {
            return event;
        }
        ObjectNode payload = event.putObject("payload");
        String summary = a.annotations()
                .getOrDefault("summary", a.rule() + " on " + a.labels().getOrDefault("node", "?"));
        payload.put(
                "summary", summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY - 3) + "..." : summary);
        payload.put("source", a.labels().getOrDefault("node", a.labels().getOrDefault("cluster", "vigil")));
        payload.put("severity", severity(a.labels().getOrDefault("severity", "")));
        payload.put("timestamp", a.firedAt().orElse(a.activeAt()).toString());
        payload.put(
                "component",
                a.labels()
                        .getOrDefault(
                                "resource",
                                a.labels()
                                        .getOrDefault(
                                                "device",
                                                a.labels()
                                                        .getOrDefault(
                                                                "vm", a.labels().getOrDefault("vg", "host")))));
        payload.put("group", a.labels().getOrDefault("cluster", ""));
        payload.put("class", a.rule());
        ObjectNode details = payload.putObject("custom_details");
        details.set("labels", WireCodec.json().valueToTree(a.labels()));
        details.set("annotations", WireCodec.json().valueToTree(a.annotations()));
        details.put("firing_since", a.firedAt().orElse(a.activeAt()).toString());
        event.put("client", "Vigil");
        event.put("client_url", externalUrl + "/api/alerts");
        String runbook = a.annotations().get("runbook_url");
        if (runbook != null && runbook.startsWith("http")) {
            event.putArray("links").addObject().put("href", runbook).put("text", "Runbook");
        }
        return event;
    }

    /** Vigil's severities in PagerDuty's words; anything else is an error. */
    static String severity(String severity) {
        return switch (severity) {
            case "critical" -> "critical";
            case "warning" -> "warning";
            case "info" -> "info";
            default -> "error";
        };
    }
}
