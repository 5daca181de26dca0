package io.vigil.rules.engine;

import io.vigil.events.Silence;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.rule.InhibitRule;
import io.vigil.rules.silence.Matchers;
import io.vigil.rules.silence.SilenceSchedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Which silences and which firing alerts mute an alert now, as Alertmanager decides it: a
 * silence mutes the alerts whose labels match all its matchers while it is active; an
 * inhibition mutes a target while a source with the same values of the equal labels fires. An
 * alert that matches both sides of an inhibition cannot be inhibited by another that does too,
 * so two such alerts never mute each other.
 */
public final class Suppression {
    private final Supplier<Collection<Silence>> silences;
    private final List<InhibitRule> inhibitRules;

    public Suppression(Supplier<Collection<Silence>> silences, List<InhibitRule> inhibitRules) {
        this.silences = silences;
        this.inhibitRules = List.copyOf(inhibitRules);
    }

    public static Suppression none() {
        return new Suppression(List::of, List.of());
    }

    public List<String> silencedBy(Map<String, String> labels, Instant now) {
        List<String> ids = new ArrayList<>();
        for (Silence s : silences.get()) {
            if (SilenceSchedule.activeAt(s, now) && Matchers.all(s.matchers(), labels)) {
                ids.add(s.id());
            }
        }
        ids.sort(null);
        return ids;
    }

    /** An index of {@code firing}, to find what inhibits each alert in one lookup per inhibit rule. */
    public InhibitionIndex index(Collection<TrackedAlert> firing) {
        InhibitionIndex index = new InhibitionIndex(inhibitRules);
        firing.forEach(index::update);
        return index;
    }
}
