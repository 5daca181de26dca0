package io.vigil.collectors.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vigil.collectors.metrics.HostStateSamples.Sample;
import io.vigil.collectors.probe.EventSink;
import io.vigil.events.ActionResult;
import io.vigil.events.Body;
import io.vigil.events.EventKind;
import io.vigil.events.Name;
import io.vigil.events.Subject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every event the agent emits on its way to the publisher and keeps the host's state as
 * Prometheus metrics (see {@link HostStateSamples} for names and the state-set choice), each
 * labelled with cluster and node.
 *
 * <p>Series of things that disappear are removed, not left stale. Each event replaces everything
 * known about its subject (a DRBD resource, a drive, a VM; the whole LVM report; the host): a
 * peer, volume, VG or LV missing from the new event loses its series at once. A subject that stops
 * being reported at all (a resource destroyed, a VM undefined, a drive pulled) has no event to say
 * so, so its series are removed once it has not been seen for its kind's {@code staleAfter}.
 */
public final class HostStateMetrics implements EventSink {
    private static final Logger log = LoggerFactory.getLogger(HostStateMetrics.class);

    private record Tracked(EventKind kind, Subject subject) {}

    private record SeriesKey(String name, Tags tags) {}

    /**
     * The value a registered meter reads. Micrometer's function counters hold it weakly: the
     * subjects map holds it strongly, so this view must stay reachable (the agent's sink is).
     */
    private static final class Reading {
        volatile double value;

        double value() {
            return value;
        }
    }

    private static final class Series {
        final Meter meter;
        final Reading reading;

        Series(Meter meter, Reading reading) {
            this.meter = meter;
            this.reading = reading;
        }
    }

    private static final class Known {
        Instant seen;
        Map<SeriesKey, Series> series = new HashMap<>();
    }

    private final MeterRegistry registry;
    private final Tags base;
    private final EventSink downstream;
    private final Map<EventKind, Duration> staleAfter;
    private final Clock clock;
    private final Map<Tracked, Known> subjects = new HashMap<>();

    /**
     * @param downstream the publisher; every body goes on to it, first and unchanged
     * @param staleAfter per kind, how long a subject may go unreported before its series are
     *                   removed (kinds absent here never expire)
     */
    public HostStateMetrics(
            MeterRegistry registry,
            String cluster,
            String node,
            EventSink downstream,
            Map<EventKind, Duration> staleAfter,
            Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.base = Tags.of("cluster", Name.check("cluster", cluster), "node", Name.check("node", node));
        this.downstream = Objects.requireNonNull(downstream, "downstream");
        this.staleAfter = staleAfter.isEmpty() ? new EnumMap<>(EventKind.class) : new EnumMap<>(staleAfter);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void emit(Body body) {
        downstream.emit(body);
        try {
            observe(body);
        } catch (RuntimeException e) {
            // metrics are a view; a bug here must never cost an event
            log.error(
                    "could not update metrics from a {} event: {}", body.kind().wire(), e.toString());
        }
    }

    private synchronized void observe(Body body) {
        Instant now = clock.instant();
        tracked(body).ifPresent(tracked -> update(tracked, HostStateSamples.of(body, base), now));
        expire(now);
    }

    private java.util.Optional<Tracked> tracked(Body body) {
        if (body instanceof ActionResult) {
            return java.util.Optional.empty(); // an action's end describes no state of the host
        }
        // the kind with the subject: the heartbeat and the LVM report are both about the host, and expire apart
        return java.util.Optional.of(new Tracked(body.kind(), body.subject()));
    }

    private void update(Tracked subject, java.util.List<Sample> samples, Instant now) {
        Known known = subjects.computeIfAbsent(subject, s -> new Known());
        known.seen = now;
        Map<SeriesKey, Series> previous = known.series;
        Map<SeriesKey, Series> current = new HashMap<>();
        for (Sample sample : samples) {
            SeriesKey key = new SeriesKey(sample.metric().name(), sample.tags());
            Series series = previous.remove(key);
            if (series == null) {
                series = current.get(key);
            }
            if (series == null) {
                series = register(sample);
            }
            series.reading.value = sample.value();
            current.put(key, series);
        }
        previous.values().forEach(s -> registry.remove(s.meter));
        known.series = current;
    }

    private Series register(Sample sample) {
        Reading reading = new Reading();
        HostMetric metric = sample.metric();
        Meter meter = switch (metric.type()) {
            case GAUGE ->
                Gauge.builder(metric.name(), reading, Reading::value)
                        .strongReference(true)
                        .description(metric.description())
                        .baseUnit(metric.baseUnit())
                        .tags(sample.tags())
                        .register(registry);
            case COUNTER ->
                FunctionCounter.builder(metric.name(), reading, Reading::value)
                        .description(metric.description())
                        .baseUnit(metric.baseUnit())
                        .tags(sample.tags())
                        .register(registry);
        };
        return new Series(meter, reading);
    }

    private void expire(Instant now) {
        for (Iterator<Map.Entry<Tracked, Known>> it = subjects.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Tracked, Known> entry = it.next();
            Duration limit = staleAfter.get(entry.getKey().kind());
            if (limit != null && Duration.between(entry.getValue().seen, now).compareTo(limit) > 0) {
                entry.getValue().series.values().forEach(s -> registry.remove(s.meter));
                it.remove();
                log.info(
                        "{} {} not reported for {}s; its metrics are removed",
                        entry.getKey().kind().wire(),
                        entry.getKey().subject().id(),
                        limit.toSeconds());
            }
        }
    }

    /** Removes every series this view registered (the agent is closing). */
    public synchronized void clear() {
        subjects.values().forEach(k -> k.series.values().forEach(s -> registry.remove(s.meter)));
        subjects.clear();
    }
}
