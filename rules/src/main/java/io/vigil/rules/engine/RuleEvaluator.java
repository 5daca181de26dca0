package io.vigil.rules.engine;

import dev.cel.runtime.CelEvaluationException;
import io.vigil.events.Alert;
import io.vigil.events.AlertChange;
import io.vigil.events.AlertLabels;
import io.vigil.events.AlertState;
import io.vigil.events.DecodeException;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.EventKind;
import io.vigil.events.EventRef;
import io.vigil.rules.alert.AlertLifecycle;
import io.vigil.rules.alert.AlertLifecycle.Step;
import io.vigil.rules.alert.AlertTiming;
import io.vigil.rules.alert.Candidate;
import io.vigil.rules.alert.TrackedAlert;
import io.vigil.rules.cel.Bindings;
import io.vigil.rules.cel.CelValues;
import io.vigil.rules.cel.EvaluationFailure;
import io.vigil.rules.cel.Template;
import io.vigil.rules.engine.ScopeUpdate.Published;
import io.vigil.rules.rule.AbsenceRule;
import io.vigil.rules.rule.EventRule;
import io.vigil.rules.rule.Rule;
import io.vigil.rules.rule.RuleSet;
import io.vigil.rules.rule.Severity;
import io.vigil.service.log.LogThrottle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns telemetry into alerts: evaluates the rules on each event, and as time passes moves
 * alerts along their lifecycle, notices silent nodes, refreshes silences and inhibitions, and
 * forgets what went away for good. It holds no state of its own beyond caches of what the tables
 * hold (node presence, the scopes decoded, the firing alerts indexed for inhibition, each cluster's
 * counts against its limits): everything lives in {@link EngineTables}, so the instance that owns a
 * cluster after a restart or a rebalance carries on where the last one stopped.
 *
 * <p>Time is given to it ({@code now}), never read: the engine passes its wall clock, rule tests
 * their own.
 */
public final class RuleEvaluator {
    private static final Logger log = LoggerFactory.getLogger(RuleEvaluator.class);
    /** Presence is written at most this often per node and kind: absence rules count in seconds. */
    static final Duration PRESENCE_RESOLUTION = Duration.ofSeconds(1);

    private static final Duration ERROR_LOG_INTERVAL = Duration.ofMinutes(5);
    /** Vigil's own alerts about a cluster fire and resolve as their condition does. */
    private static final AlertTiming LIMIT_TIMING = new AlertTiming(Duration.ZERO, Duration.ZERO, Optional.empty());

    private final RuleSet rules;
    private final Roster roster;
    private final EngineTiming timing;
    private final EngineTables tables;
    private final Suppression suppression;
    private final EvaluationListener listener;
    private final Instant tookOverAt;
    private final Map<String, NodePresence> presence = new HashMap<>();
    private final Map<String, LogThrottle> loggedAt = new HashMap<>();
    private final List<String> forgotten = new ArrayList<>();
    /** The firing alerts that may inhibit others, kept beside the tables as presence is. */
    private InhibitionIndex firing;

    private final ClusterLimits limits;
    private Instant lastSweep;

    /**
     * {@code tookOverAt}: when this instance began to own the clusters whose state is in
     * {@code tables}; silence is counted from then plus the grace. {@code owns}: which of the
     * roster's clusters are this instance's to watch (the partition they hash to). {@code limits}:
     * how much one cluster may hold.
     */
    public RuleEvaluator(
            RuleSet rules,
            Roster roster,
            EngineTiming timing,
            EngineLimits limits,
            EngineTables tables,
            Suppression suppression,
            EvaluationListener listener,
            Instant tookOverAt,
            Predicate<String> owns) {
        this.rules = rules;
        this.roster = roster;
        this.timing = timing;
        // every tick reads every scope: kept decoded beside the store, no scope is decoded again
        this.tables = new EngineTables(new CachedTable<>(tables.scopes()), tables.presence(), tables.previous());
        this.suppression = suppression;
        this.listener = listener;
        this.tookOverAt = tookOverAt;
        this.lastSweep = tookOverAt;
        this.limits = new ClusterLimits(limits, tookOverAt);
        tables.presence().all().forEach(e -> presence.put(e.getKey(), e.getValue()));
        Map<String, List<TrackedAlert>> held = new LinkedHashMap<>();
        this.tables
                .scopes()
                .all()
                .forEach(e -> held.put(e.getKey(), e.getValue().alerts()));
        reindex(held);
        reconcileRoster(owns);
        this.limits.recountNodes(presence);
    }

    /** The index of inhibiting alerts and the counts of the limits, from {@code held}: every alert by scope. */
    private void reindex(Map<String, List<TrackedAlert>> held) {
        firing = suppression.index(held.values().stream().flatMap(List::stream).toList());
        Map<String, List<TrackedAlert>> ofRules = new LinkedHashMap<>();
        Set<String> announced = new HashSet<>();
        held.forEach((key, alerts) -> {
            if (ScopeKey.isLimit(key)) {
                announced.add(ScopeKey.cluster(key));
            } else {
                ofRules.put(key, alerts);
            }
        });
        limits.recount(ofRules, announced);
    }

    private void reconcileRoster(Predicate<String> owns) {
        for (Map.Entry<String, NodePresence> e : new ArrayList<>(presence.entrySet())) {
            String cluster = ScopeKey.cluster(e.getKey());
            String node = e.getKey().substring(cluster.length() + 1);
            boolean expected = roster.expects(cluster, node);
            if (e.getValue().expected() != expected) {
                writePresence(e.getKey(), e.getValue().withExpected(expected));
            }
        }
        roster.clusters().forEach((cluster, spec) -> {
            if (owns.test(cluster)) {
                for (String node : spec.nodes()) {
                    presence.computeIfAbsent(ScopeKey.node(cluster, node), key -> {
                        tables.presence().put(key, NodePresence.expectedButUnheard());
                        return NodePresence.expectedButUnheard();
                    });
                }
            }
        });
    }

    /** Evaluates the rules on {@code kind}'s events against one event; returns the alerts to publish. */
    public List<Alert> onEvent(Envelope event, Instant now) {
        return onEvent(event, null, now);
    }

    /**
     * The same, given the event's bytes as they came off the wire (kept as the scope's previous
     * event without encoding it again); {@code raw} may be null, and the event is then encoded.
     */
    public List<Alert> onEvent(Envelope event, byte[] raw, Instant now) {
        EventKind kind = event.kind();
        if (!admitted(event.cluster(), event.node(), now)) {
            return List.of();
        }
        notePresence(event.cluster(), event.node(), kind.wire(), now);
        List<EventRule> onKind = rules.on(kind);
        if (onKind.isEmpty()) {
            return List.of();
        }
        Map<String, String> scopeLabels = event.body().subject().labels();
        String key = ScopeKey.ofEvent(event.cluster(), event.node(), kind.wire(), scopeLabels);
        Object body = CelValues.of(event.body());
        Optional<Supplier<Object>> prev = rules.keepsPrevious(kind)
                ? previous(key, raw == null ? EnvelopeCodec.encode(event) : raw, now)
                : Optional.empty();
        Map<String, String> clusterLabels = roster.labels(event.cluster());
        Bindings bindings = Bindings.event(body, prev, event.node(), event.cluster(), kind.wire(), clusterLabels);
        ScopeUpdate scope = ScopeUpdate.open(tables.scopes(), key, now);
        Optional<EventRef> cause = Optional.of(EventRef.of(event));
        Map<String, String> base = baseLabels(event.cluster(), event.node(), clusterLabels, scopeLabels);
        for (EventRule rule : onKind) {
            evaluate(rule, bindings, base, scope, now, cause);
        }
        scope.observed(now);
        return announce(save(scope), now);
    }

    /**
     * Whether the node's events are evaluated: a node the config lists, or one already heard, always;
     * a new node the config does not list while its cluster has fewer such nodes than the limit.
     * The events of the others are dropped here, at the cost of a lookup, so a flood of them does not
     * hold up the real nodes' events behind it.
     */
    private boolean admitted(String cluster, String node, Instant now) {
        if (presence.containsKey(ScopeKey.node(cluster, node))
                || roster.expects(cluster, node)
                || limits.admitsUnknownNode(cluster)) {
            return true;
        }
        limits.dropped(cluster);
        listener.dropped(cluster, node);
        if (shouldLog("dropped " + cluster, now)) {
            log.warn(
                    "cluster {} has as many nodes the config does not list as limits.unknown_nodes_per_cluster allows: the events of"
                            + " node {} and of any further such node are dropped unread (list real nodes under clusters: in engine.yaml;"
                            + " logged once per {} per cluster, vigil_engine_unknown_node_events_dropped_total counts them all)",
                    cluster,
                    node,
                    ERROR_LOG_INTERVAL.toMinutes() + " min");
        }
        return false;
    }

    /** Whether a line of this kind is due: at most one per {@link #ERROR_LOG_INTERVAL}, so a flood does not flood the log. */
    private boolean shouldLog(String what, Instant now) {
        return loggedAt.computeIfAbsent(what, w -> new LogThrottle(ERROR_LOG_INTERVAL))
                .admit(now.toEpochMilli())
                .isPresent();
    }

    private static Map<String, String> baseLabels(
            String cluster, String node, Map<String, String> clusterLabels, Map<String, String> scopeLabels) {
        Map<String, String> labels = new TreeMap<>(clusterLabels);
        labels.put("cluster", cluster);
        labels.put("node", node);
        labels.putAll(scopeLabels);
        return labels;
    }

    private record Observation(Candidate candidate, boolean holds) {}

    private void evaluate(
            EventRule rule,
            Bindings bindings,
            Map<String, String> base,
            ScopeUpdate scope,
            Instant now,
            Optional<EventRef> cause) {
        listener.evaluated(rule);
        boolean tracked = scope.hasRule(rule.name());
        // by fingerprint: items of each that give the same labels are one alert, which holds if any of them
        // holds and tells of the first that holds
        Map<String, Observation> observations = new LinkedHashMap<>();
        try {
            List<Bindings> items = new ArrayList<>();
            if (rule.each().isPresent()) {
                Object list = rule.each().get().eval(bindings);
                for (Object item : (List<?>) list) {
                    items.add(bindings.withItem(item));
                }
            } else {
                items.add(bindings);
            }
            for (Bindings item : items) {
                Object result = rule.when().eval(item);
                if (!(result instanceof Boolean holds)) {
                    throw new CelEvaluationException("'when' gave " + result + ", not true or false");
                }
                if (holds || tracked) {
                    Map<String, String> labels = labels(rule, rule.labels(), item, base);
                    String fp = AlertLabels.fingerprint(labels);
                    Observation before = observations.get(fp);
                    if (before == null || holds && !before.holds()) {
                        Map<String, String> annotations = holds ? annotations(rule, item) : Map.of();
                        observations.put(
                                fp,
                                new Observation(
                                        new Candidate(rule.name(), labels, annotations, rule.failover()), holds));
                    }
                }
            }
        } catch (CelEvaluationException | RuntimeException e) {
            failed(rule, bindings, e);
            return;
        }
        AlertTiming alertTiming = AlertTiming.of(rule);
        observations.forEach((fp, o) -> {
            Optional<TrackedAlert> current = scope.get(fp);
            if (current.isEmpty()
                    && o.holds()
                    && !admitsNewAlert(scope, rule, o.candidate().labels(), now)) {
                return;
            }
            scope.apply(fp, AlertLifecycle.observe(current, o.candidate(), o.holds(), now, alertTiming, cause));
        });
        for (TrackedAlert gone : scope.ofRule(rule.name())) {
            if (!observations.containsKey(gone.fingerprint())) {
                Candidate c = new Candidate(gone.rule(), gone.labels(), gone.annotations(), gone.failover());
                scope.apply(
                        gone.fingerprint(),
                        AlertLifecycle.observe(Optional.of(gone), c, false, now, alertTiming, cause));
            }
        }
    }

    /** Whether a new alert of {@code rule} may be created in {@code scope}'s cluster; if not, it is counted as refused. */
    private boolean admitsNewAlert(ScopeUpdate scope, Rule rule, Map<String, String> labels, Instant now) {
        String cluster = ScopeKey.cluster(scope.key());
        if (limits.admitsAlert(cluster, scope.added())) {
            return true;
        }
        limits.refused(cluster);
        listener.refused(cluster, rule);
        if (shouldLog("refused " + cluster, now)) {
            log.warn(
                    "cluster {} has as many alerts pending or firing as limits.alerts_per_cluster allows: a new alert {} was refused,"
                            + " and so is any further one (find the flood in /api/alerts; logged once per {} per cluster,"
                            + " vigil_engine_alerts_refused_total counts them all)",
                    cluster,
                    labels,
                    ERROR_LOG_INTERVAL.toMinutes() + " min");
        }
        return false;
    }

    private static Map<String, String> labels(
            Rule rule, Map<String, Template> templates, Bindings bindings, Map<String, String> base)
            throws CelEvaluationException {
        Map<String, String> labels = new TreeMap<>(base);
        for (Map.Entry<String, Template> t : templates.entrySet()) {
            labels.put(t.getKey(), t.getValue().render(bindings));
        }
        labels.put("alertname", rule.name());
        labels.put("severity", rule.severity().wire());
        // an empty label is no label, as Alertmanager has it (it drops them before it fingerprints): the alert
        // Vigil publishes must have the fingerprint Alertmanager computes for it
        labels.values().removeIf(String::isEmpty);
        return labels;
    }

    /** Annotations that cannot be rendered say so in their text, as Prometheus does: the page matters more than its prose. */
    private static Map<String, String> annotations(Rule rule, Bindings bindings) {
        Map<String, String> annotations = new LinkedHashMap<>();
        for (Map.Entry<String, Template> t : rule.annotations().entrySet()) {
            try {
                annotations.put(t.getKey(), t.getValue().render(bindings));
            } catch (CelEvaluationException | RuntimeException e) {
                annotations.put(t.getKey(), "<error rendering " + t.getKey() + ": " + e.getMessage() + ">");
            }
        }
        return annotations;
    }

    private void failed(Rule rule, Bindings bindings, Exception e) {
        String message = EvaluationFailure.describe(e);
        listener.failed(rule, message);
        if (shouldLog("failed " + rule.name(), Instant.now())) {
            log.warn(
                    "rule {} ({}) could not be evaluated on {}/{}: {}; its alerts there keep their state"
                            + " (this is logged once per {} per rule)",
                    rule.name(),
                    rule.source(),
                    bindings.cluster(),
                    bindings.node(),
                    message,
                    ERROR_LOG_INTERVAL.toMinutes() + " min");
        }
    }

    private void notePresence(String cluster, String node, String kind, Instant now) {
        String key = ScopeKey.node(cluster, node);
        NodePresence known = presence.get(key);
        if (known == null) {
            known = new NodePresence(Map.of(), roster.expects(cluster, node), false);
            if (!known.expected()) {
                limits.unknownNodeHeard(cluster);
            }
        }
        Optional<Instant> last = known.lastSeen(kind);
        if (last.isEmpty()
                || Duration.between(last.get(), now).compareTo(PRESENCE_RESOLUTION) >= 0
                || !known.everSeen()) {
            writePresence(key, known.heard(kind, now));
        }
    }

    private void writePresence(String key, NodePresence value) {
        presence.put(key, value);
        tables.presence().put(key, value);
    }

    /**
     * The scope's previous event, decoded only if a rule reads it (most conditions never get that
     * far), and this event kept in its place.
     */
    private Optional<Supplier<Object>> previous(String key, byte[] raw, Instant now) {
        Optional<PreviousBody> stored = tables.previous().get(key);
        tables.previous().put(key, new PreviousBody(now, raw));
        return stored.map(p -> new Lazy(() -> {
            try {
                return CelValues.of(EnvelopeCodec.decode(p.envelope()).body());
            } catch (DecodeException e) {
                throw new IllegalStateException(
                        "the previous event of " + key.replace(ScopeKey.SEPARATOR, '/') + " cannot be read: "
                                + e.getMessage(),
                        e);
            }
        }));
    }

    /** A value computed once, when first asked for. */
    private static final class Lazy implements Supplier<Object> {
        private Supplier<Object> compute;
        private Object value;

        Lazy(Supplier<Object> compute) {
            this.compute = compute;
        }

        @Override
        public Object get() {
            if (compute != null) {
                value = compute.get();
                compute = null;
            }
            return value;
        }
    }

    /** Time passed: pending alerts fire, silences are noticed, leases renewed, mutes refreshed, the gone forgotten. */
    public List<Alert> onTick(Instant now) {
        List<Published> published = new ArrayList<>(watchSilences(now));
        published.addAll(watchLimits(now));
        // the one read of every scope this tick: what it holds afterwards is what the mutes are refreshed on
        Map<String, List<TrackedAlert>> held = new LinkedHashMap<>();
        for (Map.Entry<String, ScopeAlerts> entry : tables.scopes().all()) {
            ScopeUpdate scope = ScopeUpdate.of(tables.scopes(), entry.getKey(), entry.getValue());
            for (TrackedAlert a : scope.alerts()) {
                Optional<AlertTiming> alertTiming = ScopeKey.isLimit(entry.getKey())
                        ? Optional.of(LIMIT_TIMING)
                        : rules.rule(a.rule()).map(this::timing);
                Step step = alertTiming.isEmpty()
                        ? AlertLifecycle.forget(a, now)
                        : AlertLifecycle.tick(
                                a, now, alertTiming.get(), timing.resendInterval(), timing.resolvedRetention());
                scope.apply(a.fingerprint(), step);
            }
            published.addAll(save(scope));
            held.put(entry.getKey(), scope.alerts());
        }
        reindex(held);
        // what changed is published first, with the mutes of the moment; then mutes that changed by themselves
        List<Alert> out = new ArrayList<>(announce(published, now));
        Set<String> mutedJustNow = new HashSet<>();
        published.stream()
                .filter(RuleEvaluator::mutedAsAnnounced)
                .forEach(p -> mutedJustNow.add(p.alert().fingerprint()));
        out.addAll(announce(refreshSuppression(held, mutedJustNow, now), now));
        if (Duration.between(lastSweep, now).compareTo(sweepInterval()) >= 0) {
            lastSweep = now;
            out.addAll(announce(forgetTheGone(now), now));
        }
        return out;
    }

    private AlertTiming timing(Rule rule) {
        if (rule instanceof AbsenceRule) {
            // the silence itself is the 'for': once long enough, the alert fires
            return new AlertTiming(Duration.ZERO, rule.keepFiringFor(), Optional.empty());
        }
        return AlertTiming.of(rule);
    }

    private Duration sweepInterval() {
        Duration minute = Duration.ofMinutes(1);
        return timing.forgetAfter().compareTo(minute) < 0 ? timing.forgetAfter() : minute;
    }

    private List<Published> watchSilences(Instant now) {
        List<Published> published = new ArrayList<>();
        if (rules.absence().isEmpty()) {
            return published;
        }
        Instant countFrom = tookOverAt.plus(timing.absenceGrace());
        for (Map.Entry<String, NodePresence> entry : presence.entrySet()) {
            String cluster = ScopeKey.cluster(entry.getKey());
            String node = entry.getKey().substring(cluster.length() + 1);
            NodePresence p = entry.getValue();
            Map<String, String> clusterLabels = roster.labels(cluster);
            for (AbsenceRule rule : rules.absence()) {
                String kind = rule.kind().wire();
                Optional<Instant> last = p.lastSeen(kind);
                if (!p.expected() && last.isEmpty()) {
                    continue;
                }
                Instant since = last.filter(l -> l.isAfter(countFrom)).orElse(countFrom);
                String key = ScopeKey.ofAbsence(cluster, node, kind);
                Optional<ScopeAlerts> stored = tables.scopes().get(key);
                // the grace only delays new alarms: one that fired before a take-over stays until the node speaks
                Optional<Instant> firingSince = stored.flatMap(s -> s.alerts().stream()
                        .filter(a -> a.rule().equals(rule.name()) && a.state() == AlertState.FIRING)
                        .map(TrackedAlert::activeAt)
                        .findFirst());
                boolean holds = !now.isBefore(since.plus(rule.forDuration()))
                        || firingSince.isPresent()
                                && last.map(l -> !l.isAfter(firingSince.get())).orElse(true);
                if (!holds && stored.isEmpty()) {
                    continue;
                }
                double silentFor =
                        Duration.between(last.orElse(tookOverAt), now).toMillis() / 1000.0;
                Bindings bindings = Bindings.absence(node, cluster, kind, clusterLabels, silentFor, p.everSeen());
                ScopeUpdate scope = stored.map(s -> ScopeUpdate.of(tables.scopes(), key, s))
                        .orElseGet(() -> ScopeUpdate.open(tables.scopes(), key, now));
                try {
                    Map<String, String> labels =
                            labels(rule, rule.labels(), bindings, baseLabels(cluster, node, clusterLabels, Map.of()));
                    Candidate candidate =
                            new Candidate(rule.name(), labels, holds ? annotations(rule, bindings) : Map.of(), false);
                    String fp = candidate.fingerprint();
                    // the silence of a node the config lists is always told, whatever else its cluster holds
                    if (scope.get(fp).isPresent()
                            || !holds
                            || p.expected()
                            || admitsNewAlert(scope, rule, labels, now)) {
                        scope.apply(
                                fp,
                                AlertLifecycle.observe(
                                        scope.get(fp), candidate, holds, now, timing(rule), Optional.empty()));
                    }
                } catch (CelEvaluationException | RuntimeException e) {
                    failed(rule, bindings, e);
                }
                published.addAll(save(scope));
            }
        }
        return published;
    }

    /** Vigil's alerts about the clusters at a limit: they fire while it lasts, and resolve when it is over. */
    private List<Published> watchLimits(Instant now) {
        List<Published> published = new ArrayList<>();
        for (String cluster : limits.watched()) {
            for (ClusterLimits.Reached reached : limits.reached(cluster, roster.labels(cluster))) {
                String key = ScopeKey.ofLimit(cluster, reached.candidate().rule());
                Optional<ScopeAlerts> stored = tables.scopes().get(key);
                if (!reached.holds() && stored.isEmpty()) {
                    continue;
                }
                ScopeUpdate scope = stored.map(s -> ScopeUpdate.of(tables.scopes(), key, s))
                        .orElseGet(() -> ScopeUpdate.open(tables.scopes(), key, now));
                String fp = reached.candidate().fingerprint();
                scope.apply(
                        fp,
                        AlertLifecycle.observe(
                                scope.get(fp),
                                reached.candidate(),
                                reached.holds(),
                                now,
                                LIMIT_TIMING,
                                Optional.empty()));
                scope.observed(now);
                published.addAll(save(scope));
                limits.announced(cluster);
            }
        }
        return published;
    }

    /**
     * The firing alerts of {@code held} whose silences or inhibitions changed, published anew;
     * those whose mutes were just checked as they were announced are left alone.
     */
    private List<Published> refreshSuppression(
            Map<String, List<TrackedAlert>> held, Set<String> mutedJustNow, Instant now) {
        List<Published> published = new ArrayList<>();
        for (Map.Entry<String, List<TrackedAlert>> entry : held.entrySet()) {
            ScopeUpdate scope = null;
            for (TrackedAlert a : entry.getValue()) {
                if (a.state() != AlertState.FIRING || mutedJustNow.contains(a.fingerprint())) {
                    continue;
                }
                List<String> silenced = suppression.silencedBy(a.labels(), now);
                List<String> inhibited = suppression.inhibitedBy(a, firing, now);
                if (!silenced.equals(a.silencedBy()) || !inhibited.equals(a.inhibitedBy())) {
                    scope = scope == null ? ScopeUpdate.open(tables.scopes(), entry.getKey(), now) : scope;
                    scope.apply(a.fingerprint(), AlertLifecycle.suppressionChanged(a, silenced, inhibited, now));
                }
            }
            if (scope != null) {
                published.addAll(save(scope));
            }
        }
        return published;
    }

    /**
     * Nodes the config does not expect that sent nothing for {@code forgetAfter}, and scopes (a
     * resource, a disk, a VM) not heard of for as long, are gone for good: what still fires of
     * them resolves, and their state is dropped, so a changing fleet does not grow the state
     * without end.
     */
    private List<Published> forgetTheGone(Instant now) {
        List<Published> published = new ArrayList<>();
        Instant horizon = now.minus(timing.forgetAfter());
        for (Map.Entry<String, NodePresence> e : new ArrayList<>(presence.entrySet())) {
            NodePresence p = e.getValue();
            if (!p.expected() && p.lastHeard().map(t -> t.isBefore(horizon)).orElse(true)) {
                String cluster = ScopeKey.cluster(e.getKey());
                String node = e.getKey().substring(cluster.length() + 1);
                presence.remove(e.getKey());
                tables.presence().delete(e.getKey());
                limits.unknownNodeForgotten(cluster);
                String prefix = ScopeKey.nodePrefix(cluster, node);
                for (Map.Entry<String, ScopeAlerts> scope : tables.scopes().withPrefix(prefix)) {
                    published.addAll(forgetScope(scope.getKey(), scope.getValue(), now));
                }
                tables.previous()
                        .withPrefix(prefix)
                        .forEach(prev -> tables.previous().delete(prev.getKey()));
                log.info(
                        "forgot node {} of cluster {}: nothing heard since {} (forget_after {})",
                        node,
                        cluster,
                        p.lastHeard().map(Instant::toString).orElse("never"),
                        timing.forgetAfter());
            }
        }
        for (Map.Entry<String, ScopeAlerts> scope : tables.scopes().all()) {
            if (!ScopeKey.isAbsence(scope.getKey())
                    && scope.getValue().lastObserved().isBefore(horizon)) {
                published.addAll(forgetScope(scope.getKey(), scope.getValue(), now));
            }
        }
        for (Map.Entry<String, PreviousBody> prev : tables.previous().all()) {
            if (prev.getValue().at().isBefore(horizon)) {
                tables.previous().delete(prev.getKey());
            }
        }
        return published;
    }

    private List<Published> forgetScope(String key, ScopeAlerts stored, Instant now) {
        ScopeUpdate scope = ScopeUpdate.of(tables.scopes(), key, stored);
        for (TrackedAlert a : stored.alerts()) {
            scope.apply(a.fingerprint(), AlertLifecycle.forget(a, now));
        }
        return save(scope);
    }

    /**
     * Turns what changed into alert records. An alert that starts to fire is checked against
     * silences and inhibitions first, so that it is published muted if it is (the index of
     * inhibiting alerts learned of every change as it was saved, so an alert is muted by one that
     * began to fire with it).
     */
    private List<Alert> announce(List<Published> published, Instant now) {
        if (published.isEmpty()) {
            return List.of();
        }
        List<Alert> out = new ArrayList<>(published.size());
        for (Published p : published) {
            TrackedAlert a = p.alert();
            if (mutedAsAnnounced(p)) {
                a = withCurrentSuppression(p.scopeKey(), a, now);
            }
            Alert alert = a.toWire(p.change(), now, timing.lease());
            listener.published(alert);
            out.add(alert);
        }
        return out;
    }

    /** Whether {@link #announce} checks the alert's mutes: it fires, and its mutes are not what was published. */
    private static boolean mutedAsAnnounced(Published p) {
        return p.alert().state() == AlertState.FIRING
                && p.change() != AlertChange.RESEND
                && p.change() != AlertChange.SUPPRESSION;
    }

    private TrackedAlert withCurrentSuppression(String scopeKey, TrackedAlert a, Instant now) {
        List<String> silenced = suppression.silencedBy(a.labels(), now);
        List<String> inhibited = suppression.inhibitedBy(a, firing, now);
        if (silenced.equals(a.silencedBy()) && inhibited.equals(a.inhibitedBy())) {
            return a;
        }
        TrackedAlert muted = a.withSuppression(silenced, inhibited);
        tables.scopes()
                .get(scopeKey)
                .ifPresent(stored -> tables.scopes()
                        .put(
                                scopeKey,
                                new ScopeAlerts(
                                        stored.lastObserved(),
                                        stored.alerts().stream()
                                                .map(x -> x.fingerprint().equals(muted.fingerprint()) ? muted : x)
                                                .toList())));
        return muted;
    }

    /** Writes the scope, and tells the index of inhibiting alerts and the limits' counts of what changed. */
    private List<Published> save(ScopeUpdate scope) {
        List<Published> published = scope.save();
        forgotten.addAll(scope.dropped());
        boolean ofRules = !ScopeKey.isLimit(scope.key());
        for (Published p : published) {
            firing.update(p.alert());
            if (ofRules) {
                limits.update(ScopeKey.cluster(p.scopeKey()), p.alert());
            }
        }
        return published;
    }

    /**
     * The fingerprints of alerts forgotten since the last call: their records on vigil.alerts can
     * be deleted (a tombstone), so the compacted topic holds what is alive, not every alert ever.
     */
    public List<String> drainForgotten() {
        List<String> out = List.copyOf(forgotten);
        forgotten.clear();
        return out;
    }

    /** Every alert this instance tracks that is pending, firing or recently resolved, for the API and rule tests. */
    public List<TrackedAlert> alerts() {
        return ScopeAlerts.held(
                tables.scopes().all().stream().map(Map.Entry::getValue).toList());
    }

    /**
     * The nodes of the config this instance watches that it ever heard, and when it last did;
     * a node never heard is left out (unknown, not silent since the epoch), as are nodes the
     * config does not list (their names come off the wire).
     */
    public List<NodeHeard> nodesHeard() {
        List<NodeHeard> heard = new ArrayList<>();
        presence.forEach((key, p) -> {
            if (p.expected()) {
                String cluster = ScopeKey.cluster(key);
                p.lastHeard()
                        .ifPresent(at -> heard.add(new NodeHeard(cluster, key.substring(cluster.length() + 1), at)));
            }
        });
        return heard;
    }

    /** Vigil's own alerts about a cluster (its limits reached), by name, with their severity. */
    public static Map<String, Severity> ownAlerts() {
        return ClusterLimits.ALERTS;
    }

    /** The nodes this instance watches, for tests of forgetting. */
    Collection<String> knownNodes() {
        return List.copyOf(presence.keySet());
    }
}
