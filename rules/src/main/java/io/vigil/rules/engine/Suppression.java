package io.vigil.rules.engine;

import io.vigil.events.Silence;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.rule.FailoverInhibition;
import io.vigil.rules.rule.InhibitRule;
import io.vigil.rules.rule.RuleSet;
import io.vigil.rules.silence.Matchers;
import io.vigil.rules.silence.SilenceSchedule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Which silences and which firing alerts mute an alert now, as Alertmanager decides it: a
 * silence mutes the alerts whose labels match all its matchers while it is active; an
 * inhibition mutes a target while a source with the same values of the equal labels fires. An
 * alert that matches both sides of an inhibition cannot be inhibited by another that does too,
 * so two such alerts never mute each other.
 *
 * <p>A failover inhibits too: while a saga holds a VM running on another node, the targets of a
 * {@link FailoverInhibition} about that VM on any other node (its home, which it left) are
 * inhibited by the saga's id, and so are those about a VM the saga has just moved on any node,
 * until the agent where it put it reports it. It asks {@link FailoverHolds} at the moment, so the
 * mute lifts as soon as the saga is done with the VM or the VM is seen to run nowhere (a VM seen
 * down is never muted by a failover).
 */
public final class Suppression {
    private final Supplier<Collection<Silence>> silences;
    private final List<InhibitRule> inhibitRules;
    private final List<FailoverInhibition> failoverInhibitions;
    private final FailoverHolds holds;

    public Suppression(Supplier<Collection<Silence>> silences, List<InhibitRule> inhibitRules) {
        this(silences, inhibitRules, List.of(), FailoverHolds.NONE);
    }

    public Suppression(
            Supplier<Collection<Silence>> silences,
            List<InhibitRule> inhibitRules,
            List<FailoverInhibition> failoverInhibitions,
            FailoverHolds holds) {
        this.silences = silences;
        this.inhibitRules = List.copyOf(inhibitRules);
        this.failoverInhibitions = List.copyOf(failoverInhibitions);
        this.holds = holds;
    }

    /** The rule set's inhibitions, the failover's among them, over {@code holds}. */
    public static Suppression of(Supplier<Collection<Silence>> silences, RuleSet rules, FailoverHolds holds) {
        return new Suppression(silences, rules.inhibitRules(), rules.failoverInhibitions(), holds);
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

    /**
     * What inhibits {@code alert} at {@code now}: the firing alerts {@code index} finds, then the
     * saga that holds its VM elsewhere, if one does.
     */
    public List<String> inhibitedBy(TrackedAlert alert, InhibitionIndex index, Instant now) {
        List<String> by = index.inhibiting(alert);
        Optional<String> saga = heldElsewhereBy(alert.labels(), now);
        if (saga.isEmpty()) {
            return by;
        }
        List<String> all = new ArrayList<>(by);
        all.add(saga.get());
        return all;
    }

    /**
     * The saga that holds the VM of {@code labels} running on another node than theirs, or has just moved it and not yet
     * seen it where it put it, for a target of a failover inhibition.
     */
    private Optional<String> heldElsewhereBy(Map<String, String> labels, Instant now) {
        String cluster = labels.get("cluster");
        String resource = labels.get("resource");
        String vm = labels.get("vm");
        String node = labels.get("node");
        if (cluster == null
                || resource == null
                || vm == null
                || node == null
                || failoverInhibitions.stream().noneMatch(f -> Matchers.all(f.target(), labels))) {
            return Optional.empty();
        }
        return holds.held(cluster, resource, now).filter(h -> h.holds(vm, node)).map(HeldVms::sagaId);
    }

    /** An index of {@code firing}, to find what inhibits each alert in one lookup per inhibit rule. */
    public InhibitionIndex index(Collection<TrackedAlert> firing) {
        InhibitionIndex index = new InhibitionIndex(inhibitRules);
        firing.forEach(index::update);
        return index;
    }
}
