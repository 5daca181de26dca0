package io.vigil.rules.failover;

import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.rules.rule.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pages a saga wants a human to see, as alerts on {@code vigil.alerts} so that they take the
 * notifier's routes like every other alert: waiting for approval, held by a safety rule, stuck on a
 * step, VMs left down. Each fires while its condition holds, is sent again every resend interval
 * (its lease renewed, as the engine's other alerts), and resolves when the saga moves on.
 *
 * <p>A hold pages only once it has stood {@link #HOLD_SETTLING}, as an alerting rule's {@code for:}:
 * a hold is judged on the last report of each node, and one that the next report lifts (a link
 * still SyncTarget a moment after a resync, a host back before its DRBD report) was the facts
 * settling, not a human's problem. A hold that stands pages at the first evaluation after it.
 *
 * <p>A hold that waits for a resync DRBD is running (a dual-primary window needs the pair in sync,
 * a promotion needs an UpToDate candidate) ends by itself when the resync does: it pages only if
 * the resync is paused or suspended, or the hold outlasts {@link #RESYNC_WAIT}. A resync that
 * stalls pages on its own (the rules' DrbdResyncStalled). Paging it as a held failover made a
 * page that resolved seconds later with nothing done by anyone (chaos seeds 3 and 11).
 */
public final class SagaPages {
    static final String AWAITING = "FailoverAwaitingApproval";
    static final String HELD = "FailoverHeld";
    static final String STUCK = "FailoverStuck";
    static final String LEFT_DOWN = "VmsLeftDown";
    /** Every page the failover sends, each with its section in deploy/runbooks.md. */
    public static final List<String> NAMES = List.of(AWAITING, HELD, STUCK, LEFT_DOWN);
    /**
     * How long a hold stands before it pages: one poll of the slowest report a hold waits on, the agent's VM poll (10 s
     * apart, each up to 10 s); DRBD's statistics (every 10 s, up to 5 s) and heartbeats (5 s) come sooner. A real hold
     * (nothing safe to do) pages this much later, within the engine's next evaluation (1 s); the alerts of the failure
     * itself (NodeSilent, DrbdLocalDiskLost) page on their own meanwhile.
     */
    public static final Duration HOLD_SETTLING = Duration.ofSeconds(20);
    /** How long a hold may wait on a running resync before it pages all the same. */
    public static final Duration RESYNC_WAIT = Duration.ofMinutes(15);
    /** The holds a resync's end lifts. */
    private static final List<String> LIFTED_BY_RESYNC =
            List.of(SafetyRule.WINDOW_NEEDS_CONNECTED_PAIR.name(), SafetyRule.CANDIDATE_UP_TO_DATE.name());
    /** Every page needs a human now. */
    public static final Severity SEVERITY = Severity.CRITICAL;

    private final Duration resendInterval;
    private final Duration lease;

    public SagaPages(Duration resendInterval, Duration lease) {
        this.resendInterval = resendInterval;
        this.lease = lease;
    }

    /** A page as last sent: its version (grows on each change of state) and when it began and was last sent. */
    public record Sent(long version, Instant since, Instant lastSent) {}

    /** What should fire now for {@code saga}: alert name to summary. {@code resyncRuns}: DRBD resyncs its resource now. */
    static Map<String, String> wanted(Saga saga, Instant now, boolean resyncRuns) {
        Map<String, String> pages = new TreeMap<>();
        switch (saga.phase()) {
            case AWAITING_APPROVAL ->
                pages.put(
                        AWAITING,
                        saga.way().words() + " of " + saga.resource() + " from " + saga.failing()
                                + " is decided and waits: vigil approve " + saga.sagaId() + " (" + saga.reason() + ")");
            case HELD -> {
                if (settled(saga, now) && !waitsOnResync(saga, now, resyncRuns)) {
                    pages.put(
                            HELD,
                            "failover of " + saga.resource() + " held: "
                                    + saga.heldBecause().orElse(""));
                }
            }
            case STUCK ->
                pages.put(
                        STUCK,
                        "failover of " + saga.resource() + " stuck in "
                                + saga.heldFrom().map(SagaPhase::word).orElse("?") + ": "
                                + saga.stuckBecause().orElse("") + "; after fixing, vigil approve " + saga.sagaId()
                                + " tries the step again");
            default -> {}
        }
        if (!saga.leftDown().isEmpty() && !saga.phase().ended() && saga.phase() != SagaPhase.DRY_RUN) {
            pages.put(
                    LEFT_DOWN,
                    saga.survivor() + " has no room for " + String.join(", ", saga.leftDown()) + " of "
                            + saga.resource() + ": they are down");
        }
        return pages;
    }

    /** The alerts to publish now, and the record of sent pages after them. */
    public record Due(List<Alert> alerts, Map<String, Sent> sent) {}

    public Due due(Saga saga, Map<String, Sent> sent, Instant now, boolean resyncRuns) {
        Map<String, String> wanted = wanted(saga, now, resyncRuns);
        Map<String, Sent> next = new LinkedHashMap<>(sent);
        List<Alert> alerts = new ArrayList<>();
        for (Map.Entry<String, String> page : wanted.entrySet()) {
            Sent before = sent.get(page.getKey());
            if (before == null) {
                // a hold's page is active since the hold began, as a rule's alert since its pending began
                Instant since = page.getKey().equals(HELD) ? saga.heldSince().orElse(now) : now;
                Sent first = new Sent(1, since, now);
                next.put(page.getKey(), first);
                alerts.add(
                        alert(saga, page.getKey(), page.getValue(), AlertState.FIRING, AlertChange.STATE, first, now));
            } else if (!now.isBefore(before.lastSent().plus(resendInterval))) {
                Sent again = new Sent(before.version(), before.since(), now);
                next.put(page.getKey(), again);
                alerts.add(
                        alert(saga, page.getKey(), page.getValue(), AlertState.FIRING, AlertChange.RESEND, again, now));
            }
        }
        for (Map.Entry<String, Sent> old : sent.entrySet()) {
            if (!wanted.containsKey(old.getKey())) {
                next.remove(old.getKey());
                Sent last =
                        new Sent(old.getValue().version() + 1, old.getValue().since(), now);
                alerts.add(alert(
                        saga,
                        old.getKey(),
                        "resolved: the failover of " + saga.resource() + " is "
                                + saga.phase().word(),
                        AlertState.RESOLVED,
                        AlertChange.STATE,
                        last,
                        now));
            }
        }
        return new Due(alerts, next);
    }

    /** Whether {@code saga}'s hold has stood {@link #HOLD_SETTLING}, so that it is no longer the facts settling. */
    private static boolean settled(Saga saga, Instant now) {
        return saga.heldSince()
                .map(since -> !now.isBefore(since.plus(HOLD_SETTLING)))
                .orElse(true);
    }

    /** Whether {@code saga}'s hold is one a running resync will lift, and it has not waited {@link #RESYNC_WAIT} yet. */
    private static boolean waitsOnResync(Saga saga, Instant now, boolean resyncRuns) {
        return resyncRuns
                && saga.heldBy().map(LIFTED_BY_RESYNC::contains).orElse(false)
                && saga.heldSince()
                        .map(since -> now.isBefore(since.plus(RESYNC_WAIT)))
                        .orElse(false);
    }

    /** Where the runbook of a page is, as the default rules link theirs. */
    public static String runbook(String page) {
        return "deploy/runbooks.md#" + page.toLowerCase(Locale.ROOT);
    }

    private Alert alert(
            Saga saga, String name, String summary, AlertState state, AlertChange change, Sent sent, Instant now) {
        Map<String, String> labels = new TreeMap<>();
        labels.put("alertname", name);
        labels.put("cluster", saga.cluster());
        labels.put("resource", saga.resource());
        labels.put("node", saga.failing());
        labels.put("severity", SEVERITY.wire());
        Map<String, String> annotations = Map.of(
                "summary", summary, "saga", saga.sagaId(), "phase", saga.phase().word(), "runbook_url", runbook(name));
        boolean resolved = state == AlertState.RESOLVED;
        return new Alert(
                Alert.VERSION,
                AlertLabels.fingerprint(labels),
                name,
                state,
                sent.version(),
                change,
                labels,
                annotations,
                sent.since(),
                Optional.of(sent.since()),
                resolved ? Optional.of(now) : Optional.empty(),
                resolved ? now : now.plus(lease),
                now,
                false,
                false,
                List.of(),
                List.of(),
                Optional.empty());
    }
}
