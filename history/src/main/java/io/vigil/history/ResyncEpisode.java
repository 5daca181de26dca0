package io.vigil.history;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One resync of one volume from a source to a target: a row of {@code resync_episodes}. Both
 * nodes report a resync (the source as SyncSource, the target as SyncTarget); the episode is
 * owned by the node whose report began it ({@code observedBy}) and moved by either's reports.
 *
 * <p>{@code lastMs} and {@code lastOutOfSyncBytes} are the newest report's, from which bytes and
 * the mean rate follow; {@code rateSum}/{@code rateCount} average DRBD's own rate figures for
 * when the out-of-sync counts are not known.
 */
public record ResyncEpisode(
        String cluster,
        String resource,
        int volume,
        String source,
        String target,
        String observedBy,
        long startedMs,
        long lastMs,
        OptionalLong startOutOfSyncBytes,
        OptionalLong lastOutOfSyncBytes,
        double rateSum,
        int rateCount,
        OptionalDouble peakRate,
        ResyncCause cause,
        ResyncOutcome outcome) {
    public ResyncEpisode {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** Unique per resync: the same volume, pair and direction begin at most one resync per millisecond. */
    public String id() {
        return cluster + "/" + resource + "/" + volume + "/" + source + "->" + target + "@" + startedMs;
    }

    public EpisodeKey key() {
        return new EpisodeKey(cluster, resource, volume, source, target);
    }

    public Optional<Long> endedMs() {
        return outcome == ResyncOutcome.RUNNING ? Optional.empty() : Optional.of(lastMs);
    }

    /** Bytes resynced: the out-of-sync count's fall, or the mean rate over the time when the counts are unknown. */
    public OptionalLong bytes() {
        if (startOutOfSyncBytes.isPresent() && lastOutOfSyncBytes.isPresent()) {
            return OptionalLong.of(Math.max(0, startOutOfSyncBytes.getAsLong() - lastOutOfSyncBytes.getAsLong()));
        }
        if (rateCount > 0 && lastMs > startedMs) {
            return OptionalLong.of(Math.round(rateSum / rateCount * (lastMs - startedMs) / 1000.0));
        }
        return OptionalLong.empty();
    }

    public OptionalDouble meanRate() {
        OptionalLong bytes = bytes();
        if (bytes.isPresent() && lastMs > startedMs) {
            return OptionalDouble.of(bytes.getAsLong() * 1000.0 / (lastMs - startedMs));
        }
        return rateCount > 0 ? OptionalDouble.of(rateSum / rateCount) : OptionalDouble.empty();
    }

    /** A newer report of the same resync, from either node. */
    ResyncEpisode moved(long atMs, OptionalLong outOfSync, OptionalDouble rate, ResyncOutcome now) {
        double peak = rate.isPresent() ? Math.max(rate.getAsDouble(), peakRate.orElse(0)) : peakRate.orElse(Double.NaN);
        return new ResyncEpisode(
                cluster,
                resource,
                volume,
                source,
                target,
                observedBy,
                startedMs,
                Math.max(lastMs, atMs),
                startOutOfSyncBytes.isPresent() ? startOutOfSyncBytes : outOfSync,
                outOfSync.isPresent() ? outOfSync : lastOutOfSyncBytes,
                rateSum + rate.orElse(0),
                rateCount + (rate.isPresent() ? 1 : 0),
                Double.isNaN(peak) ? OptionalDouble.empty() : OptionalDouble.of(peak),
                cause,
                now);
    }

    /** The volume, pair and direction: at most one episode of a key runs at a time. */
    public record EpisodeKey(String cluster, String resource, int volume, String source, String target) {}
}
