package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.nflog.KafkaNotificationLog;
import io.vigil.rules.notify.nflog.LogEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A receiver failing for {@code receiver_failing_after} is announced, once, through every
 * receiver that works, and its recovery too: the notifier's own alert, VigilReceiverFailing.
 * Receivers that take every change (Alertmanagers) hear it renewed every minute while it lasts,
 * as they hear the engine's alerts, or their copy would lapse at its endsAt.
 *
 * <p>What is raised is kept in the notification log (under the failing receiver's name and the
 * group {@value #RAISED}, since when it fails as the entry's time), so that a notifier that
 * restarts or takes over tells its recovery too. A recovery is told once the receiver has
 * delivered since it began failing: a notifier that just took over has not seen it fail, and
 * that is no sign it works. The entry lapses with the log's retention, five days after the
 * failure began.
 */
final class ReceiverFailingAlerts {
    private static final Logger log = LoggerFactory.getLogger(ReceiverFailingAlerts.class);
    /** As the engine renews its firing alerts' leases (endsAt four minutes ahead). */
    private static final Duration RENEWAL = Duration.ofMinutes(1);

    static final String RAISED = "vigil-notifier/VigilReceiverFailing";

    private final Collection<String> receivers;
    private final ReceiverHealth health;
    private final DeliveryPipeline pipeline;
    private final String externalUrl;
    private final KafkaNotificationLog nflog;
    private final Map<String, Alert> raised = new HashMap<>();

    /** Remembers what the notification log says was raised, by this notifier or the one before it. */
    ReceiverFailingAlerts(
            Collection<String> receivers,
            ReceiverHealth health,
            DeliveryPipeline pipeline,
            String externalUrl,
            KafkaNotificationLog nflog,
            Instant now) {
        this.receivers = List.copyOf(receivers);
        this.health = health;
        this.pipeline = pipeline;
        this.externalUrl = externalUrl;
        this.nflog = nflog;
        for (String name : this.receivers) {
            nflog.get(name, RAISED).filter(e -> !e.firing().isEmpty()).ifPresent(e -> {
                raised.put(
                        name,
                        alert(
                                name,
                                new ReceiverHealth.Failing(e.sentAt(), "(before a take-over)"),
                                now,
                                AlertState.FIRING,
                                1));
                log.info(
                        "receiver {} was announced failing since {} by the notifier before; its recovery is told once it delivers",
                        name,
                        e.sentAt());
            });
        }
    }

    /** Raises, renews or resolves each receiver's alert as its health says. */
    void check(Instant now) {
        for (String name : receivers) {
            Optional<ReceiverHealth.Failing> failing = health.longFailing(name, now);
            Alert alert = raised.get(name);
            if (failing.isPresent() && alert == null) {
                Alert fresh = alert(name, failing.get(), now, AlertState.FIRING, 1);
                raised.put(name, fresh);
                nflog.record(
                        name,
                        RAISED,
                        new LogEntry(
                                Set.of(fresh.fingerprint()),
                                Set.of(),
                                failing.get().since()));
                log.error(
                        "receiver {} has failed since {}: {}; telling the other receivers",
                        name,
                        failing.get().since(),
                        failing.get().lastError());
                tellOthers(name, fresh, false);
            } else if (failing.isPresent() && !alert.sentAt().plus(RENEWAL).isAfter(now)) {
                Alert renewed = alert(name, failing.get(), now, AlertState.FIRING, 1);
                raised.put(name, renewed);
                tellOthers(name, renewed, true);
            } else if (failing.isEmpty()
                    && alert != null
                    && health.up(name)
                    && health.deliveredAfter(name, alert.activeAt())) {
                raised.remove(name);
                nflog.record(name, RAISED, new LogEntry(Set.of(), Set.of(alert.fingerprint()), now));
                Alert resolved =
                        alert(name, new ReceiverHealth.Failing(alert.activeAt(), ""), now, AlertState.RESOLVED, 2);
                log.info("receiver {} delivers again; telling the other receivers", name);
                tellOthers(name, resolved, false);
            }
        }
    }

    private void tellOthers(String failing, Alert alert, boolean renewal) {
        boolean firing = alert.state() == AlertState.FIRING;
        for (String other : receivers) {
            if (other.equals(failing) || !health.up(other)) {
                continue;
            }
            pipeline.tellOwn(
                    other,
                    alert,
                    new Notification(
                            other,
                            "vigil-notifier/" + failing,
                            Map.of("receiver", failing),
                            firing ? List.of(alert) : List.of(),
                            firing ? List.of() : List.of(alert),
                            externalUrl),
                    renewal);
        }
    }

    private static Alert alert(
            String receiver, ReceiverHealth.Failing failing, Instant now, AlertState state, long version) {
        Map<String, String> labels =
                Map.of("alertname", "VigilReceiverFailing", "receiver", receiver, "severity", "critical");
        Map<String, String> annotations = Map.of(
                "summary", "Vigil cannot deliver notifications to " + receiver + " (since " + failing.since() + ")",
                "description",
                        "Last error: " + failing.lastError() + ". Alerts routed only to " + receiver
                                + " reach nobody until it works again; check its config and reachability (vigil notify test "
                                + receiver + ").");
        return OwnAlert.of(labels, annotations, state, version, failing.since(), now);
    }
}
