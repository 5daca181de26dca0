package io.vigil.rules.notify;

import io.vigil.events.Alert;
import io.vigil.rules.notify.Receiver.Outcome;
import io.vigil.service.config.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What came of a delivery, for the receiver's health, the metrics and the operator's log: one line per notification. */
final class DeliveryReport {
    private static final Logger log = LoggerFactory.getLogger(DeliveryReport.class);

    private final ReceiverHealth health;
    private final NotifierMetrics metrics;

    DeliveryReport(ReceiverHealth health, NotifierMetrics metrics) {
        this.health = health;
        this.metrics = metrics;
    }

    /** {@code news}: the alerts whose time from publication to delivery is recorded; {@code retried}: whether it went through the retry stage. */
    void report(Notification n, Outcome outcome, Duration took, List<Alert> news, Instant at, boolean retried) {
        if (outcome instanceof Outcome.Delivered d) {
            health.delivered(n.receiver(), at);
            metrics.delivered(n.receiver(), took, news, at);
            log.info(
                    "notified {}: {} ({} firing, {} resolved): {}",
                    n.receiver(),
                    Headline.of(n),
                    n.firing().size(),
                    n.resolved().size(),
                    d.answer());
        } else if (outcome instanceof Outcome.Refused r) {
            health.failed(n.receiver(), r.why(), at);
            metrics.failed(n.receiver(), "refused");
            log.error(
                    "{} refused a notification for good: {} (fix the receiver or its config; group {} is not tried again"
                            + " until it changes)",
                    n.receiver(),
                    r.why(),
                    n.groupKey());
        } else if (outcome instanceof Outcome.Retry r) {
            health.failed(n.receiver(), r.why(), at);
            metrics.failed(n.receiver(), "unreachable");
            log.warn(
                    "{} could not be notified{}: {}; tried again later (vigil notify test {} checks it)",
                    n.receiver(),
                    retried ? " within " + DurationText.format(DeliveryPipeline.DELIVERY_DEADLINE) : "",
                    r.why(),
                    n.receiver());
        }
    }
}
