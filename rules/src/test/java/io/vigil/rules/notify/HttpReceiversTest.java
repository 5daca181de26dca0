package io.vigil.rules.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.rules.notify.alertmanager.AlertmanagerReceiver;
import io.vigil.rules.notify.alertmanager.AlertmanagerSpec;
import io.vigil.rules.notify.pagerduty.PagerDutyReceiver;
import io.vigil.rules.notify.pagerduty.PagerDutySpec;
import io.vigil.rules.notify.slack.SlackReceiver;
import io.vigil.rules.notify.slack.SlackSpec;
import io.vigil.rules.notify.webhook.WebhookReceiver;
import io.vigil.rules.notify.webhook.WebhookSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP receivers' messages, field by field, as a local endpoint receives them, and what their answers mean. */
class HttpReceiversTest {
    private final RecordingReceiver endpoint = new RecordingReceiver();
    private final Alert firing = Alerts.lost(AlertState.FIRING);
    private final Alert resolved =
            Alerts.of("DiskSmartFailing", "node-a", "critical", AlertState.RESOLVED, Map.of("device", "/dev/sda"));
    private final Notification both = new Notification(
            "hook",
            "{}:{alertname=\"DrbdLocalDiskLost\"}",
            Map.of("alertname", "DrbdLocalDiskLost"),
            List.of(firing),
            List.of(resolved),
            "http://vigil.example:9465");

    @AfterEach
    void close() {
        endpoint.close();
    }

    @Test
    void theWebhookSendsAlertmanagersPayloadVersion4() throws Exception {
        WebhookReceiver hook = new WebhookReceiver(new WebhookSpec(
                "hook",
                endpoint.url("/alerts"),
                Optional.of(new Secret("t0ken", "test")),
                0,
                true,
                Duration.ofSeconds(5)));
        Outcome outcome = hook.deliver(both);
        assertInstanceOf(Outcome.Delivered.class, outcome);
        RecordingReceiver.Request request = endpoint.requests().get(0);
        assertEquals("/alerts", request.path());
        assertEquals(List.of("Bearer t0ken"), request.headers().get("Authorization"));
        assertEquals(List.of("application/json"), request.headers().get("Content-type"));
        JsonNode p = request.json();
        assertEquals("4", p.get("version").asText());
        assertEquals("{}:{alertname=\"DrbdLocalDiskLost\"}", p.get("groupKey").asText());
        assertEquals(0, p.get("truncatedAlerts").asInt());
        assertEquals("firing", p.get("status").asText());
        assertEquals("hook", p.get("receiver").asText());
        assertEquals("DrbdLocalDiskLost", p.get("groupLabels").get("alertname").asText());
        assertEquals("pair-1", p.get("commonLabels").get("cluster").asText());
        assertFalse(p.get("commonLabels").has("alertname"), "two rules: no common alertname");
        assertEquals("http://vigil.example:9465", p.get("externalURL").asText());
        JsonNode a0 = p.get("alerts").get(0);
        assertEquals("firing", a0.get("status").asText());
        assertEquals("r0", a0.get("labels").get("resource").asText());
        assertEquals(
                "node-a lost the disk under r0",
                a0.get("annotations").get("summary").asText());
        assertEquals("2026-12-01T03:00:00Z", a0.get("startsAt").asText());
        assertEquals(
                "0001-01-01T00:00:00Z",
                a0.get("endsAt").asText(),
                "as Alertmanager writes an alert that has not ended");
        assertEquals(firing.fingerprint(), a0.get("fingerprint").asText());
        assertEquals(
                "http://vigil.example:9465/api/alerts", a0.get("generatorURL").asText());
        JsonNode a1 = p.get("alerts").get(1);
        assertEquals("resolved", a1.get("status").asText());
        assertEquals("2026-12-01T03:05:00Z", a1.get("endsAt").asText());
        WebhookReceiver one = new WebhookReceiver(
                new WebhookSpec("hook", endpoint.url("/alerts"), Optional.empty(), 1, true, Duration.ofSeconds(5)));
        assertInstanceOf(Outcome.Delivered.class, one.deliver(both));
        assertEquals(1, endpoint.requests().get(1).json().get("truncatedAlerts").asInt());
    }

    @Test
    void pagerDutyGetsOneEventPerAlertDeduplicatedByFingerprint() throws Exception {
        PagerDutyReceiver pd = new PagerDutyReceiver(new PagerDutySpec(
                "pager", new Secret("R0UTING", "test"), endpoint.url("/v2/enqueue"), true, Duration.ofSeconds(5)));
        assertInstanceOf(Outcome.Delivered.class, pd.deliver(both));
        List<RecordingReceiver.Request> requests = endpoint.requests();
        assertEquals(2, requests.size());
        JsonNode trigger = requests.get(0).json();
        assertEquals("R0UTING", trigger.get("routing_key").asText());
        assertEquals("trigger", trigger.get("event_action").asText());
        assertEquals(firing.fingerprint(), trigger.get("dedup_key").asText());
        JsonNode payload = trigger.get("payload");
        assertEquals("node-a lost the disk under r0", payload.get("summary").asText());
        assertEquals("node-a", payload.get("source").asText());
        assertEquals("critical", payload.get("severity").asText());
        assertEquals("2026-12-01T03:00:00Z", payload.get("timestamp").asText());
        assertEquals("r0", payload.get("component").asText());
        assertEquals("pair-1", payload.get("group").asText());
        assertEquals("DrbdLocalDiskLost", payload.get("class").asText());
        assertEquals(
                "0", payload.get("custom_details").get("labels").get("volume").asText());
        assertEquals(
                "https://wiki.example/vigil#drbdlocaldisklost",
                trigger.get("links").get(0).get("href").asText());
        JsonNode resolve = requests.get(1).json();
        assertEquals("resolve", resolve.get("event_action").asText());
        assertEquals(resolved.fingerprint(), resolve.get("dedup_key").asText());
        assertFalse(resolve.has("payload"));
    }

    @Test
    void pagerDutyAnswersDecideWhetherToRetry() throws Exception {
        PagerDutyReceiver pd = new PagerDutyReceiver(new PagerDutySpec(
                "pager", new Secret("R0UTING", "test"), endpoint.url("/v2/enqueue"), true, Duration.ofSeconds(5)));
        Notification one = new Notification("pager", "g", Map.of(), List.of(firing), List.of(), "http://v");
        endpoint.answer(429);
        assertInstanceOf(Outcome.Retry.class, pd.deliver(one));
        endpoint.answer(503);
        assertInstanceOf(Outcome.Retry.class, pd.deliver(one));
        endpoint.answer(400);
        Outcome refused = pd.deliver(one);
        assertInstanceOf(Outcome.Refused.class, refused);
        assertTrue(
                ((Outcome.Refused) refused)
                        .why()
                        .contains("400 {\"status\":\"invalid event\",\"errors\":[\"'routing_key' is invalid\"]}"),
                refused.toString());
        assertFalse(
                ((Outcome.Refused) refused).why().contains("enqueue"), "the URL's path is not in messages: " + refused);
        assertEquals("critical", payloadSeverity(pd, "critical"));
        assertEquals("error", payloadSeverity(pd, "page-me"));
    }

    /** The severity PagerDuty is sent for an alert of this severity label. */
    private String payloadSeverity(PagerDutyReceiver pd, String severity) throws Exception {
        Alert alert = Alerts.of("DiskSmartFailing", "node-a", severity, AlertState.FIRING, Map.of());
        assertInstanceOf(
                Outcome.Delivered.class,
                pd.deliver(new Notification("pager", "g", Map.of(), List.of(alert), List.of(), "http://v")));
        List<RecordingReceiver.Request> requests = endpoint.requests();
        return requests.get(requests.size() - 1)
                .json()
                .get("payload")
                .get("severity")
                .asText();
    }

    @Test
    void slackGetsAHeadlineAndAnAttachmentPerAlert() throws Exception {
        SlackReceiver slack = new SlackReceiver(new SlackSpec(
                "chat",
                new Secret(endpoint.url("/services/T0/B0/xyz").toString(), "test"),
                Optional.of("#ops"),
                true,
                Duration.ofSeconds(5)));
        assertInstanceOf(Outcome.Delivered.class, slack.deliver(both));
        JsonNode m = endpoint.requests().get(0).json();
        assertEquals("#ops", m.get("channel").asText());
        assertEquals(
                "[FIRING:1] critical pair-1: node-a lost the disk under r0 (and 1 more)",
                m.get("text").asText());
        assertEquals("danger", m.get("attachments").get(0).get("color").asText());
        assertEquals(
                "[FIRING] DrbdLocalDiskLost on node-a",
                m.get("attachments").get(0).get("title").asText());
        assertEquals("good", m.get("attachments").get(1).get("color").asText());
        assertEquals(
                "https://wiki.example/vigil#drbdlocaldisklost",
                m.get("attachments").get(0).get("title_link").asText());
    }

    @Test
    void whatAHostReportedCannotPingAWholeSlackChannel() throws Exception {
        SlackReceiver slack = new SlackReceiver(new SlackSpec(
                "chat",
                new Secret(endpoint.url("/services/T0/B0/xyz").toString(), "test"),
                Optional.empty(),
                true,
                Duration.ofSeconds(5)));
        Alert hostile = new Alert(
                firing.v(),
                firing.fingerprint(),
                "DrbdLocalDiskLost",
                firing.state(),
                firing.version(),
                firing.change(),
                firing.labels(),
                Map.of("summary", "<!channel> disk <@U123> & <https://evil.example|click>"),
                firing.activeAt(),
                firing.firedAt(),
                firing.resolvedAt(),
                firing.endsAt(),
                firing.sentAt(),
                firing.flapping(),
                firing.failover(),
                firing.silencedBy(),
                firing.inhibitedBy(),
                firing.cause());
        assertInstanceOf(
                Outcome.Delivered.class,
                slack.deliver(new Notification(
                        "chat", "g", Map.of(), List.of(hostile), List.of(), "http://vigil.example:9465")));
        JsonNode m = endpoint.requests().get(0).json();
        assertEquals(
                "&lt;!channel&gt; disk &lt;@U123&gt; &amp; &lt;https://evil.example|click&gt;",
                m.get("attachments").get(0).get("text").asText());
        assertFalse(m.toString().contains("<!channel>"), m.toString());
    }

    @Test
    void anAlertmanagerThatCanTakeThePushLaterMakesItARetryAndNoUrlPathIsLogged() throws Exception {
        RecordingReceiver refusing = new RecordingReceiver();
        java.net.URI nowhere = endpoint.url("/secret-path");
        endpoint.close();
        try {
            refusing.answer(400);
            AlertmanagerReceiver am = new AlertmanagerReceiver(new AlertmanagerSpec(
                    "am", List.of(refusing.url("/am-1"), nowhere), Optional.empty(), Duration.ofSeconds(2)));
            Outcome outcome = am.deliver(both);
            assertInstanceOf(Outcome.Retry.class, outcome, "the unreachable one must still hear it: " + outcome);
            assertFalse(
                    outcome.toString().contains("secret-path")
                            || outcome.toString().contains("am-1"),
                    outcome.toString());
            refusing.answer(400);
            Outcome onlyRefused = new AlertmanagerReceiver(new AlertmanagerSpec(
                            "am", List.of(refusing.url("/am-1")), Optional.empty(), Duration.ofSeconds(2)))
                    .deliver(both);
            assertInstanceOf(Outcome.Refused.class, onlyRefused, "refused for good by every instance");
            Outcome delivered = new AlertmanagerReceiver(new AlertmanagerSpec(
                            "am", List.of(refusing.url("/am-1")), Optional.empty(), Duration.ofSeconds(2)))
                    .deliver(both);
            assertInstanceOf(Outcome.Delivered.class, delivered);
            assertFalse(
                    delivered.toString().contains("am-1"),
                    "the answer names the instance without its path: " + delivered);
            assertEquals("/am-1/api/v2/alerts", refusing.requests().get(2).path());
        } finally {
            refusing.close();
        }
    }

    @Test
    void anEndpointThatDoesNotAnswerIsWorthARetry() throws Exception {
        java.net.URI nowhere = endpoint.url("/x");
        endpoint.close();
        WebhookReceiver hook =
                new WebhookReceiver(new WebhookSpec("hook", nowhere, Optional.empty(), 0, true, Duration.ofSeconds(2)));
        assertInstanceOf(Outcome.Retry.class, hook.deliver(both));
    }
}
