package io.vigil.rules.engine;

import io.vigil.events.AlertChange;
import io.vigil.rules.alert.AlertLifecycle.Step;
import io.vigil.rules.alert.TrackedAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The alerts of one scope, read from the table, changed by lifecycle steps, and written back
 * once, only if something changed: most events change nothing, and then nothing is written.
 */
final class ScopeUpdate {
    /** How stale a scope's last-observed time may be before an unchanged scope is written anyway. */
    static final Duration OBSERVED_RESOLUTION = Duration.ofMinutes(1);

    /** An alert to publish, and the scope it lives in. */
    record Published(String scopeKey, TrackedAlert alert, AlertChange change) {}

    private final StateTable<ScopeAlerts> table;
    private final String key;
    private final Map<String, TrackedAlert> alerts = new LinkedHashMap<>();
    private final List<Published> published = new ArrayList<>();
    private final List<String> dropped = new ArrayList<>();
    private final Set<String> storedFingerprints = new HashSet<>();
    private Instant lastObserved;
    private boolean changed;

    private ScopeUpdate(StateTable<ScopeAlerts> table, String key, Optional<ScopeAlerts> stored, Instant now) {
        this.table = table;
        this.key = key;
        stored.ifPresent(s -> s.alerts().forEach(a -> alerts.put(a.fingerprint(), a)));
        storedFingerprints.addAll(alerts.keySet());
        this.lastObserved = stored.map(ScopeAlerts::lastObserved).orElse(now);
    }

    static ScopeUpdate open(StateTable<ScopeAlerts> table, String key, Instant now) {
        return new ScopeUpdate(table, key, table.get(key), now);
    }

    static ScopeUpdate of(StateTable<ScopeAlerts> table, String key, ScopeAlerts stored) {
        return new ScopeUpdate(table, key, Optional.of(stored), stored.lastObserved());
    }

    String key() {
        return key;
    }

    Optional<TrackedAlert> get(String fingerprint) {
        return Optional.ofNullable(alerts.get(fingerprint));
    }

    boolean hasRule(String rule) {
        for (TrackedAlert a : alerts.values()) {
            if (a.rule().equals(rule)) {
                return true;
            }
        }
        return false;
    }

    List<TrackedAlert> ofRule(String rule) {
        List<TrackedAlert> of = new ArrayList<>();
        for (TrackedAlert a : alerts.values()) {
            if (a.rule().equals(rule)) {
                of.add(a);
            }
        }
        return of;
    }

    /** How many alerts this update adds to those the table held. */
    int added() {
        int added = 0;
        for (String fingerprint : alerts.keySet()) {
            if (!storedFingerprints.contains(fingerprint)) {
                added++;
            }
        }
        return added;
    }

    List<TrackedAlert> alerts() {
        return List.copyOf(alerts.values());
    }

    void apply(String fingerprint, Step step) {
        TrackedAlert before = alerts.get(fingerprint);
        if (step.retain() && step.alert().isPresent()) {
            if (!step.alert().get().equals(before)) {
                alerts.put(fingerprint, step.alert().get());
                changed = true;
            }
        } else {
            if (before != null) {
                alerts.remove(fingerprint);
                changed = true;
            }
            // gone for good, silently (resolved past its retention) or with a last word (resolved or inactive
            // as it is forgotten): nothing waits for it any more, and its record on vigil.alerts can be
            // compacted away; the deletion goes out after what is published, so the last word is read first
            if (before != null || step.change().isPresent()) {
                dropped.add(fingerprint);
            }
        }
        step.change()
                .ifPresent(c -> published.add(new Published(key, step.alert().orElseThrow(), c)));
    }

    /** An event of this scope was evaluated now. */
    void observed(Instant now) {
        if (!alerts.isEmpty() && Duration.between(lastObserved, now).compareTo(OBSERVED_RESOLUTION) >= 0) {
            changed = true;
        }
        lastObserved = now;
    }

    /** Alerts that left the scope for good, whose records on vigil.alerts may be deleted. */
    List<String> dropped() {
        return List.copyOf(dropped);
    }

    /** Writes the scope if it changed (deletes it when nothing is left) and returns what to publish. */
    List<Published> save() {
        if (changed) {
            if (alerts.isEmpty()) {
                table.delete(key);
            } else {
                table.put(key, new ScopeAlerts(lastObserved, List.copyOf(alerts.values())));
            }
            changed = false;
        }
        return List.copyOf(published);
    }
}
