package io.vigil.rules.notify.alertmanager;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.AlertJson;
import io.vigil.rules.notify.HttpPost;
import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.Receiver;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pushes alerts to Alertmanager as Prometheus does: to {@code /api/v2/alerts} of every instance
 * (they gossip among themselves; a load balancer in front would hide one from the others), each
 * firing alert with its lease as {@code endsAt}, each resolved one with the time it ended. The
 * users' own Alertmanager then routes, groups, silences and notifies. The notifier pushes every
 * change and every lease renewal as it comes, not grouped, and pushes resolved alerts again for
 * a while, so an instance that missed one still hears it.
 */
public record AlertmanagerReceiver(AlertmanagerSpec spec) implements Receiver {

    @Override
    public String name() {
        return spec.name();
    }

    /**
     * Every instance is pushed to; one that could take it later makes the whole a retry (a push is
     * idempotent, the others having had theirs), and only when every failure is for good is the
     * push refused.
     */
    @Override
    public Outcome deliver(Notification n) throws InterruptedException {
        byte[] body = WireCodec.encode(payload(n.all(), n.externalUrl()));
        Map<String, String> headers = HttpPost.bearer(spec.bearerToken());
        List<String> answers = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        boolean retry = false;
        for (URI base : spec.urls()) {
            URI url = URI.create(base.toString().replaceAll("/+$", "") + "/api/v2/alerts");
            Outcome outcome = HttpPost.json(url, body, headers, spec.timeout());
            if (outcome instanceof Outcome.Delivered d) {
                answers.add(HttpPost.redacted(base) + ": " + d.answer());
            } else if (outcome instanceof Outcome.Retry r) {
                failures.add(r.why());
                retry = true;
            } else if (outcome instanceof Outcome.Refused r) {
                failures.add(r.why());
            }
        }
        if (failures.isEmpty()) {
            return new Outcome.Delivered(String.join("; ", answers));
        }
        String why = String.join("; ", failures)
                + (answers.isEmpty() ? "" : " (delivered to " + answers.size() + " other instance(s))");
        return retry ? new Outcome.Retry(why) : new Outcome.Refused(why);
    }

    /** Alertmanager's postable alerts. */
    static ArrayNode payload(List<Alert> alerts, String externalUrl) {
        ArrayNode array = WireCodec.json().createArrayNode();
        for (Alert a : alerts) {
            ObjectNode alert = AlertJson.of(a, externalUrl);
            alert.put(
                    "endsAt",
                    (a.state() == AlertState.RESOLVED ? a.resolvedAt().orElse(a.endsAt()) : a.endsAt()).toString());
            array.add(alert);
        }
        return array;
    }
}
