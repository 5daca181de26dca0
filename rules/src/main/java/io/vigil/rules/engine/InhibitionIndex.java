package io.vigil.rules.engine;

import io.vigil.events.AlertState;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.rule.InhibitRule;
import io.vigil.rules.silence.Matchers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The firing alerts that may inhibit others, indexed as Alertmanager's inhibitor indexes them:
 * for each inhibit rule, the sources by the values of the rule's {@code equal} labels (and the
 * cluster's, always). Finding what mutes an alert is then one lookup per rule, so muting every
 * alert of a tick takes time that grows with the alerts, not with their square.
 *
 * <p>An alert lists at most {@link #LISTED} of the alerts that inhibit it, the first by
 * fingerprint: one is enough to mute it, and listing thousands (a rule whose sources share one
 * set of equal labels) would make every tick and every alert record grow with the square of the
 * alerts.
 *
 * <p>It is kept beside the tables, as the evaluator's cache of presence is: built from the
 * firing alerts when an instance takes over and at every tick, and told of every alert published
 * in between (every change into or out of firing is published).
 */
public final class InhibitionIndex {
    static final int LISTED = 10;

    private final List<InhibitRule> rules;
    /** Per rule, by the values of its equal labels: the sources firing now. */
    private final List<Map<List<String>, Sources>> byRule = new ArrayList<>();
    /** The labels of every source indexed, by fingerprint, to find its places again when it stops firing. */
    private final Map<String, Map<String, String>> indexed = new HashMap<>();

    /**
     * The sources of one rule that share its equal labels' values. Those that match the rule's
     * target side too are kept apart: they cannot inhibit an alert that matches both sides
     * (Alertmanager's rule, so two such alerts never mute each other).
     */
    private static final class Sources {
        final TreeSet<String> sourceOnly = new TreeSet<>();
        final TreeSet<String> bothSides = new TreeSet<>();

        boolean isEmpty() {
            return sourceOnly.isEmpty() && bothSides.isEmpty();
        }
    }

    InhibitionIndex(List<InhibitRule> rules) {
        this.rules = List.copyOf(rules);
        for (int i = 0; i < this.rules.size(); i++) {
            byRule.add(new HashMap<>());
        }
    }

    /** Indexes {@code alert} if it fires, and forgets it if it does not (any more). */
    public void update(TrackedAlert alert) {
        remove(alert.fingerprint());
        if (alert.state() != AlertState.FIRING) {
            return;
        }
        Map<String, String> labels = alert.labels();
        boolean placed = false;
        for (int i = 0; i < rules.size(); i++) {
            InhibitRule rule = rules.get(i);
            if (Matchers.all(rule.source(), labels)) {
                Sources sources = byRule.get(i).computeIfAbsent(key(rule, labels), k -> new Sources());
                (Matchers.all(rule.target(), labels) ? sources.bothSides : sources.sourceOnly).add(alert.fingerprint());
                placed = true;
            }
        }
        if (placed) {
            indexed.put(alert.fingerprint(), labels);
        }
    }

    public void remove(String fingerprint) {
        Map<String, String> labels = indexed.remove(fingerprint);
        if (labels == null) {
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            List<String> key = key(rules.get(i), labels);
            Sources sources = byRule.get(i).get(key);
            if (sources != null) {
                sources.sourceOnly.remove(fingerprint);
                sources.bothSides.remove(fingerprint);
                if (sources.isEmpty()) {
                    byRule.get(i).remove(key);
                }
            }
        }
    }

    /** The fingerprints of the firing alerts that inhibit {@code target}, at most {@link #LISTED}, in order. */
    public List<String> inhibiting(TrackedAlert target) {
        Map<String, String> labels = target.labels();
        TreeSet<String> found = new TreeSet<>();
        for (int i = 0; i < rules.size(); i++) {
            InhibitRule rule = rules.get(i);
            if (!Matchers.all(rule.target(), labels)) {
                continue;
            }
            Sources sources = byRule.get(i).get(key(rule, labels));
            if (sources == null) {
                continue;
            }
            take(sources.sourceOnly, target.fingerprint(), found);
            if (!Matchers.all(rule.source(), labels)) {
                take(sources.bothSides, target.fingerprint(), found);
            }
        }
        List<String> listed = new ArrayList<>(LISTED);
        for (String fingerprint : found) {
            if (listed.size() == LISTED) {
                break;
            }
            listed.add(fingerprint);
        }
        return listed;
    }

    /** How many firing alerts are indexed as sources. */
    public int size() {
        return indexed.size();
    }

    /** The first {@link #LISTED} of {@code sources} but {@code self}: the first of the union are among them. */
    private static void take(TreeSet<String> sources, String self, TreeSet<String> found) {
        int taken = 0;
        for (String fingerprint : sources) {
            if (taken == LISTED) {
                return;
            }
            if (!fingerprint.equals(self)) {
                found.add(fingerprint);
                taken++;
            }
        }
    }

    /** The cluster, then the values of the rule's equal labels (a missing label reads as empty, as in Alertmanager). */
    private static List<String> key(InhibitRule rule, Map<String, String> labels) {
        List<String> key = new ArrayList<>(rule.equal().size() + 1);
        key.add(labels.getOrDefault("cluster", ""));
        for (String name : rule.equal()) {
            key.add(labels.getOrDefault(name, ""));
        }
        return key;
    }
}
