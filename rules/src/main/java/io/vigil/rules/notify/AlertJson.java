package io.vigil.rules.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Alert;
import io.vigil.events.WireCodec;

/**
 * An alert as Alertmanager writes one, in its API and in its webhook payload alike: labels,
 * annotations, when it started and where it came from; each caller adds its own {@code endsAt}.
 */
public final class AlertJson {
    private AlertJson() {}

    public static ObjectNode of(Alert a, String externalUrl) {
        ObjectNode alert = WireCodec.json().createObjectNode();
        alert.set("labels", WireCodec.json().valueToTree(a.labels()));
        alert.set("annotations", WireCodec.json().valueToTree(a.annotations()));
        alert.put("startsAt", a.firedAt().orElse(a.activeAt()).toString());
        alert.put("generatorURL", externalUrl + "/api/alerts");
        return alert;
    }
}
