package io.vigil.rules.alert;

import io.vigil.events.AlertChange;
import io.vigil.events.AlertState;
import io.vigil.events.EventRef;
import io.vigil.rules.rule.Flapping;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The life of one alert, as Prometheus's alerting rules live it: inactive, pending while the
 * condition has held for less than {@code for}, firing, resolved; with {@code keep_firing_for}
 * holding a firing alert after its condition clears, and flap detection holding it firing (marked
 * flapping) while its condition changes too often to page on every change.
 *
 * <p>Pure functions of the alert, what was observed and the time: the engine calls
 * {@link #observe} when an event is evaluated and {@link #tick} as time passes.
 */
public final class AlertLifecycle {
    private AlertLifecycle() {}

    /**
     * What became of an alert. {@code alert} is the alert afterwards (empty: nothing to keep or
     * say), {@code change} what to publish, if anything; {@code retain} whether to keep it.
     */
    public record Step(Optional<TrackedAlert> alert, Optional<AlertChange> change, boolean retain) {
        static Step nothing() {
            return new Step(Optional.empty(), Optional.empty(), false);
        }

        static Step keep(TrackedAlert alert) {
            return new Step(Optional.of(alert), Optional.empty(), true);
        }

        /** Published now: the version grows unless it is a resend, and the time it was sent is kept. */
        static Step publish(TrackedAlert alert, AlertChange change, Instant now) {
            return new Step(Optional.of(alert.sent(now, change != AlertChange.RESEND)), Optional.of(change), true);
        }

        static Step publishAndForget(TrackedAlert alert, AlertChange change, Instant now) {
            return new Step(Optional.of(alert.sent(now, true)), Optional.of(change), false);
        }
    }

    /** The condition of {@code candidate}'s series was evaluated at {@code now}; {@code cause} is the event. */
    public static Step observe(
            Optional<TrackedAlert> current,
            Candidate candidate,
            boolean holds,
            Instant now,
            AlertTiming timing,
            Optional<EventRef> cause) {
        if (current.isEmpty() && !holds) {
            return Step.nothing();
        }
        TrackedAlert a = current.orElseGet(() -> TrackedAlert.fresh(candidate, now));
        if (holds) {
            a = a.withAnnotations(candidate.annotations());
        }
        if (timing.flapping().isPresent()) {
            Flapping f = timing.flapping().get();
            boolean wasFlapping = a.flapping();
            long history = (a.history() << 1) | (holds ? 1 : 0);
            int observations = Math.min(a.observations() + 1, Flapping.MAX_WINDOW);
            double share = changeShare(history, observations, f.window());
            boolean flapping = wasFlapping ? share > f.low() : share >= f.high();
            a = a.withHistory(history, observations, flapping);
            if (flapping && !wasFlapping) {
                TrackedAlert firing = a.state() == AlertState.FIRING
                        ? a.withKeepFiringSince(Optional.empty())
                        : a.with(
                                        AlertState.FIRING,
                                        a.state() == AlertState.PENDING ? a.activeAt() : now,
                                        Optional.of(now),
                                        Optional.empty(),
                                        Optional.empty())
                                .withCause(cause);
                return Step.publish(firing, AlertChange.FLAPPING, now);
            }
            if (flapping) {
                return Step.keep(a);
            }
            if (wasFlapping) {
                // trusted again: the state follows the condition from here on
                return holds
                        ? Step.publish(a, AlertChange.FLAPPING, now)
                        : Step.publish(resolved(a, now).withCause(cause), AlertChange.STATE, now);
            }
        }
        return switch (a.state()) {
            case INACTIVE, RESOLVED -> {
                if (!holds) {
                    yield retainedQuietly(a, timing);
                }
                if (timing.forDuration().isZero()) {
                    yield Step.publish(
                            a.with(AlertState.FIRING, now, Optional.of(now), Optional.empty(), Optional.empty())
                                    .withCause(cause),
                            AlertChange.STATE,
                            now);
                }
                yield Step.publish(
                        a.with(AlertState.PENDING, now, Optional.empty(), Optional.empty(), Optional.empty())
                                .withCause(cause),
                        AlertChange.STATE,
                        now);
            }
            case PENDING -> {
                if (!holds) {
                    TrackedAlert inactive = a.with(
                                    AlertState.INACTIVE,
                                    a.activeAt(),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.empty())
                            .withCause(cause);
                    yield keepsHistory(inactive, timing)
                            ? Step.publish(inactive, AlertChange.STATE, now)
                            : Step.publishAndForget(inactive, AlertChange.STATE, now);
                }
                yield heldLongEnough(a, now, timing)
                        ? Step.publish(
                                a.with(
                                                AlertState.FIRING,
                                                a.activeAt(),
                                                Optional.of(now),
                                                Optional.empty(),
                                                Optional.empty())
                                        .withCause(cause),
                                AlertChange.STATE,
                                now)
                        : Step.keep(a);
            }
            case FIRING -> {
                if (holds) {
                    yield Step.keep(a.withKeepFiringSince(Optional.empty()));
                }
                if (timing.keepFiringFor().isZero()) {
                    yield Step.publish(resolved(a, now).withCause(cause), AlertChange.STATE, now);
                }
                Instant since = a.keepFiringSince().orElse(now);
                yield elapsed(since, now).compareTo(timing.keepFiringFor()) >= 0
                        ? Step.publish(resolved(a, now).withCause(cause), AlertChange.STATE, now)
                        : Step.keep(a.withKeepFiringSince(Optional.of(since)));
            }
        };
    }

    /**
     * Time passed: a pending alert that has held long enough fires, a kept-firing alert whose time
     * is up resolves, a firing alert is re-sent every {@code resendInterval} (its lease renewed),
     * and a resolved alert is forgotten after {@code resolvedRetention}.
     */
    public static Step tick(
            TrackedAlert a, Instant now, AlertTiming timing, Duration resendInterval, Duration resolvedRetention) {
        return switch (a.state()) {
            case PENDING ->
                heldLongEnough(a, now, timing)
                        ? Step.publish(
                                a.with(
                                        AlertState.FIRING,
                                        a.activeAt(),
                                        Optional.of(now),
                                        Optional.empty(),
                                        Optional.empty()),
                                AlertChange.STATE,
                                now)
                        : Step.keep(a);
            case FIRING -> {
                if (!a.flapping()
                        && a.keepFiringSince().isPresent()
                        && elapsed(a.keepFiringSince().get(), now).compareTo(timing.keepFiringFor()) >= 0) {
                    yield Step.publish(resolved(a, now), AlertChange.STATE, now);
                }
                if (a.lastSentAt().isEmpty()
                        || elapsed(a.lastSentAt().get(), now).compareTo(resendInterval) >= 0) {
                    yield Step.publish(a, AlertChange.RESEND, now);
                }
                yield Step.keep(a);
            }
            case RESOLVED ->
                a.resolvedAt().isPresent() && elapsed(a.resolvedAt().get(), now).compareTo(resolvedRetention) >= 0
                        ? Step.nothing()
                        : Step.keep(a);
            case INACTIVE -> keepsHistory(a, timing) ? Step.keep(a) : Step.nothing();
        };
    }

    /** A firing alert's silences or inhibitions changed: publish it with the new ones. */
    public static Step suppressionChanged(
            TrackedAlert a, List<String> silencedBy, List<String> inhibitedBy, Instant now) {
        return Step.publish(a.withSuppression(silencedBy, inhibitedBy), AlertChange.SUPPRESSION, now);
    }

    /** An alert that stops being tracked (its host or resource went away for good): it ends now. */
    public static Step forget(TrackedAlert a, Instant now) {
        return switch (a.state()) {
            case FIRING -> Step.publishAndForget(resolved(a, now), AlertChange.STATE, now);
            case PENDING ->
                Step.publishAndForget(
                        a.with(AlertState.INACTIVE, a.activeAt(), Optional.empty(), Optional.empty(), Optional.empty()),
                        AlertChange.STATE,
                        now);
            case INACTIVE, RESOLVED -> Step.nothing();
        };
    }

    private static Step retainedQuietly(TrackedAlert a, AlertTiming timing) {
        return a.state() == AlertState.RESOLVED || keepsHistory(a, timing) ? Step.keep(a) : Step.nothing();
    }

    /** Whether a flap-detected alert has seen its condition hold within the window: then its history still matters. */
    private static boolean keepsHistory(TrackedAlert a, AlertTiming timing) {
        if (timing.flapping().isEmpty()) {
            return false;
        }
        int window = timing.flapping().get().window();
        long mask = window >= 64 ? -1L : (1L << window) - 1;
        return (a.history() & mask) != 0;
    }

    private static TrackedAlert resolved(TrackedAlert a, Instant now) {
        return a.with(AlertState.RESOLVED, a.activeAt(), a.firedAt(), Optional.of(now), Optional.empty());
    }

    private static boolean heldLongEnough(TrackedAlert a, Instant now, AlertTiming timing) {
        return elapsed(a.activeAt(), now).compareTo(timing.forDuration()) >= 0;
    }

    private static Duration elapsed(Instant since, Instant now) {
        return Duration.between(since, now);
    }

    /**
     * The share of the last {@code window} observations that differ from the one before, over the
     * {@code window - 1} comparisons a full window has: a young history counts as calm.
     */
    static double changeShare(long history, int observations, int window) {
        int n = Math.min(observations, window);
        int changes = 0;
        for (int i = 0; i + 1 < n; i++) {
            if (((history >>> i) & 1) != ((history >>> (i + 1)) & 1)) {
                changes++;
            }
        }
        return changes / (double) (window - 1);
    }
}
