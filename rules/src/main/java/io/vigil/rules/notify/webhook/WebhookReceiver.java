package io.vigil.rules.notify.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.AlertJson;
import io.vigil.rules.notify.HttpPost;
import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.Receiver;
import java.util.List;
import java.util.Map;

/**
 * POSTs Alertmanager's webhook payload, version 4, so that a receiver written for Alertmanager
 * (a ticket bridge, a chat bot, a script) works unchanged. {@code max_alerts} caps the alerts in
 * one message (the rest counted in {@code truncatedAlerts}), as Alertmanager's does.
 */
public record WebhookReceiver(WebhookSpec spec) implements Receiver {
    /** What Alertmanager writes as the end of an alert that has not ended. */
    static final String NO_END = "0001-01-01T00:00:00Z";

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Outcome deliver(Notification n) throws InterruptedException {
        Map<String, String> headers = HttpPost.bearer(spec.bearerToken());
        return HttpPost.json(spec.url(), WireCodec.encode(payload(n, spec.maxAlerts())), headers, spec.timeout());
    }

    /** The version 4 payload of a notification. */
    static ObjectNode payload(Notification n, int maxAlerts) {
        ObjectNode root = WireCodec.json().createObjectNode();
        List<Alert> all = n.all();
        List<Alert> sent = maxAlerts > 0 && all.size() > maxAlerts ? all.subList(0, maxAlerts) : all;
        root.put("version", "4");
        root.put("groupKey", n.groupKey());
        root.put("truncatedAlerts", all.size() - sent.size());
        root.put("status", n.status());
        root.put("receiver", n.receiver());
        root.set("groupLabels", WireCodec.json().valueToTree(n.groupLabels()));
        root.set("commonLabels", WireCodec.json().valueToTree(n.commonLabels()));
        root.set("commonAnnotations", WireCodec.json().valueToTree(n.commonAnnotations()));
        root.put("externalURL", n.externalUrl());
        ArrayNode alerts = root.putArray("alerts");
        for (Alert a : sent) {
            ObjectNode alert = AlertJson.of(a, n.externalUrl());
            alert.put("status", a.state() == AlertState.RESOLVED ? "resolved" : "firing");
            alert.put(
                    "endsAt",
                    a.state() == AlertState.RESOLVED
                            ? a.resolvedAt().orElse(a.endsAt()).toString()
                            : NO_END);
            alert.put("fingerprint", a.fingerprint());
            alerts.add(alert);
        }
        return root;
    }
}
