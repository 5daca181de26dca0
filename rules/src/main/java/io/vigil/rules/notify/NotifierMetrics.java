package io.vigil.rules.notify;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vigil.events.Alert;
import io.vigil.events.AlertState;
import io.vigil.rules.notify.Receiver.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The notifier's health as Prometheus reads it: deliveries and attempts by receiver, failures, how long delivery takes. */
final class NotifierMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Timer alertToDelivery;

    NotifierMetrics(MeterRegistry registry, Collection<String> receivers, Notifier notifier) {
        this.registry = registry;
        Gauge.builder("vigil_notifier_active", notifier, n -> n.active() ? 1 : 0)
                .description("1 on the engine instance whose notifier is the one notifying")
                .register(registry);
        Gauge.builder("vigil_notifier_groups", notifier, Notifier::groups)
                .description("alert groups held")
                .register(registry);
        Gauge.builder("vigil_notifier_unsettled_records", notifier, Notifier::unsettled)
                .description("records of vigil.alerts whose notifications are not delivered yet (not committed)")
                .register(registry);
        for (String receiver : receivers) {
            Gauge.builder("vigil_notifier_receiver_up", notifier, n -> n.receiverUp(receiver) ? 1 : 0)
                    .description("0 while the receiver's last delivery failed")
                    .tag("receiver", receiver)
                    .register(registry);
        }
        // every series whose labels are known now is registered at zero: a rate() or an alert on failures reads 0, not
        // "no data"
        for (String receiver : receivers) {
            notifications(receiver);
            delivery(receiver);
            List.of("delivered", "refused", "retry").forEach(result -> attempts(receiver, result));
            List.of("refused", "unreachable").forEach(reason -> failures(receiver, reason));
        }
        for (AlertState state : AlertState.values()) {
            records(state);
        }
        alertToDelivery = Timer.builder("vigil_notifier_alert_to_delivery")
                .description("from the engine's publication of an alert change to its delivery")
                // buckets only: quantiles computed in one instance cannot be summed over several, and Prometheus
                // refuses "quantile" on a histogram; histogram_quantile() over the buckets gives p50 and p99
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    void read(Alert alert) {
        records(alert.state()).increment();
    }

    void attempt(String receiver, Outcome outcome) {
        String result = outcome instanceof Outcome.Delivered
                ? "delivered"
                : outcome instanceof Outcome.Refused ? "refused" : "retry";
        attempts(receiver, result).increment();
    }

    void delivered(String receiver, Duration took, List<Alert> alerts, Instant at) {
        notifications(receiver).increment();
        delivery(receiver).record(took);
        for (Alert a : alerts) {
            alertToDelivery.record(
                    Duration.ofMillis(Math.max(0, at.toEpochMilli() - a.sentAt().toEpochMilli())));
        }
    }

    void failed(String receiver, String reason) {
        failures(receiver, reason).increment();
    }

    private Counter records(AlertState state) {
        return counter("vigil_notifier_alert_records", "records of vigil.alerts read", "state", state.wire());
    }

    private Counter attempts(String receiver, String result) {
        return counter(
                "vigil_notifier_delivery_attempts",
                "attempts to deliver a notification",
                "receiver",
                receiver,
                "result",
                result);
    }

    private Counter notifications(String receiver) {
        return counter("vigil_notifier_notifications", "notifications delivered", "receiver", receiver);
    }

    private Counter failures(String receiver, String reason) {
        return counter(
                "vigil_notifier_notifications_failed",
                "notifications given up (refused, or not delivered within a turn)",
                "receiver",
                receiver,
                "reason",
                reason);
    }

    private Timer delivery(String receiver) {
        return timers.computeIfAbsent(
                receiver,
                r -> Timer.builder("vigil_notifier_delivery")
                        .description("one delivery, retries included")
                        .tag("receiver", r)
                        .register(registry));
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(
                name + String.join("/", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }
}
