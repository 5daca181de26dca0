package io.vigil.history;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.ReplicationState;
import io.vigil.history.ResyncEpisode.EpisodeKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The resync episodes under way, one per (cluster, resource, volume, source, target): a state
 * machine fed by every node's reports.
 *
 * <p>Both nodes report a resync, the source as SyncSource towards the target and the target as
 * SyncTarget towards the source; both reports name the same key. The first report of a resync
 * begins the episode and its node owns it ({@code observed_by}); every later report of either
 * node moves it (bytes, rates). Either node's report ends it: done when it sees both disks
 * UpToDate on an established connection; interrupted when it sees the connection lost or a disk
 * failed or detached. A report of a resync older than the end of the key's last episode (the
 * other node's, read late) begins nothing.
 */
final class ResyncEpisodes {
    private static final Set<DiskState> BROKEN = EnumSet.of(DiskState.FAILED, DiskState.DISKLESS, DiskState.DETACHING);

    private final Map<EpisodeKey, ResyncEpisode> running = new HashMap<>();
    private final Map<EpisodeKey, Long> endedMs = new HashMap<>();

    /** Reloads the episodes still running when the sink last stored a batch. */
    void load(Connection db) throws SQLException {
        running.clear();
        endedMs.clear();
        for (ResyncEpisode e : ResyncEpisodeRows.running(db)) {
            running.put(e.key(), e);
        }
    }

    Optional<ResyncEpisode> running(EpisodeKey key) {
        return Optional.ofNullable(running.get(key));
    }

    static EpisodeKey keyOf(PeerVolume v) {
        return v.isSource()
                ? new EpisodeKey(v.cluster(), v.resource(), v.volume(), v.node(), v.peer())
                : new EpisodeKey(v.cluster(), v.resource(), v.volume(), v.peer(), v.node());
    }

    /** The episode this report began, moved or ended, if any. */
    Optional<ResyncEpisode> observe(PeerVolume v, Supplier<ResyncCause> cause) {
        OptionalDouble rate = v.resyncRate().map(OptionalDouble::of).orElse(OptionalDouble.empty());
        if (v.resyncing()) {
            EpisodeKey key = keyOf(v);
            ResyncEpisode episode = running.get(key);
            if (episode == null) {
                if (v.tsMs() <= endedMs.getOrDefault(key, Long.MIN_VALUE)) {
                    return Optional.empty();
                }
                episode = new ResyncEpisode(
                        v.cluster(),
                        v.resource(),
                        v.volume(),
                        key.source(),
                        key.target(),
                        v.node(),
                        v.tsMs(),
                        v.tsMs(),
                        v.outOfSyncBytes(),
                        v.outOfSyncBytes(),
                        rate.orElse(0),
                        rate.isPresent() ? 1 : 0,
                        rate,
                        cause.get(),
                        ResyncOutcome.RUNNING);
            } else {
                episode = episode.moved(v.tsMs(), v.outOfSyncBytes(), rate, ResyncOutcome.RUNNING);
            }
            running.put(key, episode);
            return Optional.of(episode);
        }
        for (EpisodeKey key : new EpisodeKey[] {
            new EpisodeKey(v.cluster(), v.resource(), v.volume(), v.node(), v.peer()),
            new EpisodeKey(v.cluster(), v.resource(), v.volume(), v.peer(), v.node())
        }) {
            ResyncEpisode episode = running.get(key);
            if (episode == null || v.tsMs() < episode.lastMs()) {
                continue;
            }
            Optional<ResyncOutcome> end = end(v);
            if (end.isPresent()) {
                ResyncEpisode ended = episode.moved(v.tsMs(), v.outOfSyncBytes(), OptionalDouble.empty(), end.get());
                running.remove(key);
                endedMs.put(key, ended.lastMs());
                return Optional.of(ended);
            }
        }
        return Optional.empty();
    }

    private static Optional<ResyncOutcome> end(PeerVolume v) {
        DiskState disk = v.disk().orElse(DiskState.DISKLESS);
        if (v.connection() == ConnectionState.CONNECTED
                && v.replication() == ReplicationState.ESTABLISHED
                && disk == DiskState.UP_TO_DATE
                && v.peerDisk() == DiskState.UP_TO_DATE) {
            return Optional.of(ResyncOutcome.DONE);
        }
        if (v.connection() != ConnectionState.CONNECTED || BROKEN.contains(disk) || BROKEN.contains(v.peerDisk())) {
            return Optional.of(ResyncOutcome.INTERRUPTED);
        }
        return Optional.empty();
    }
}
