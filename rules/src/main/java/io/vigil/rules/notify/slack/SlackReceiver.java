package io.vigil.rules.notify.slack;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Alert;
import io.vigil.events.WireCodec;
import io.vigil.rules.notify.Headline;
import io.vigil.rules.notify.HttpPost;
import io.vigil.rules.notify.Notification;
import io.vigil.rules.notify.Receiver;
import java.net.URI;
import java.util.Map;

/**
 * A message for a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat take the same
 * JSON): a headline, and one attachment per alert, red while firing and green once resolved.
 */
public record SlackReceiver(SlackSpec spec) implements Receiver {

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Outcome deliver(Notification n) throws InterruptedException {
        return HttpPost.json(
                URI.create(spec.url().reveal()), WireCodec.encode(message(n, spec)), Map.of(), spec.timeout());
    }

    static ObjectNode message(Notification n, SlackSpec spec) {
        ObjectNode root = WireCodec.json().createObjectNode();
        spec.channel().ifPresent(c -> root.put("channel", c));
        root.put("username", "vigil");
        root.put("text", escaped(Headline.of(n)));
        ArrayNode attachments = root.putArray("attachments");
        for (Alert a : n.all()) {
            boolean firing = n.firing().contains(a);
            ObjectNode att = attachments.addObject();
            att.put("color", firing ? "danger" : "good");
            att.put(
                    "title",
                    escaped((firing ? "[FIRING] " : "[RESOLVED] ") + a.rule() + " on "
                            + a.labels().getOrDefault("node", "?")));
            String link = a.annotations().get("runbook_url");
            if (link != null && link.startsWith("http")) {
                att.put("title_link", link);
            }
            att.put("text", escaped(a.annotations().getOrDefault("summary", a.rule())));
            att.put(
                    "fallback",
                    att.get("title").asText() + ": " + att.get("text").asText());
        }
        return root;
    }

    /**
     * Slack's own escaping: {@code <!channel>} or {@code <@U123>} in what a host or rule reported
     * would otherwise ping people or turn into links.
     */
    static String escaped(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
