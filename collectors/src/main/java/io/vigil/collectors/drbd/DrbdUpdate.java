package io.vigil.collectors.drbd;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;
import io.vigil.events.ReplicationState;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One line of {@code drbdsetup events2}, typed. A {@code change} line carries only what changed,
 * so every state field is optional: empty means "not on this line", never "unknown". Sizes are
 * already in bytes (events2 prints KiB, and 512-byte sectors for the in-flight amounts), rates in
 * bytes per second.
 */
public sealed interface DrbdUpdate {

    Verb verb();

    /** The {@code --timestamps} prefix, when the line had one. */
    Optional<OffsetDateTime> at();

    /** The first word of an events2 line. */
    enum Verb {
        EXISTS("exists"),
        CREATE("create"),
        CHANGE("change"),
        DESTROY("destroy"),
        CALL("call"),
        RESPONSE("response"),
        RENAME("rename");

        private final String word;

        Verb(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        static Optional<Verb> of(String word) {
            for (Verb verb : values()) {
                if (verb.word.equals(word)) {
                    return Optional.of(verb);
                }
            }
            return Optional.empty();
        }
    }

    /** An update about one named resource (every update but the {@code exists -} marker). */
    sealed interface OfResource extends DrbdUpdate {
        String resource();
    }

    /** {@code exists -}: the initial dump is complete; what follows are changes. */
    record InitialStateDone(Optional<OffsetDateTime> at) implements DrbdUpdate {
        @Override
        public Verb verb() {
            return Verb.EXISTS;
        }
    }

    record ResourceUpdate(
            Verb verb,
            Optional<OffsetDateTime> at,
            String resource,
            Optional<DrbdRole> role,
            Optional<Boolean> suspended,
            Optional<Boolean> mayPromote,
            Optional<Integer> promotionScore)
            implements OfResource {}

    record DeviceUpdate(
            Verb verb,
            Optional<OffsetDateTime> at,
            String resource,
            int volume,
            OptionalInt minor,
            Optional<DiskState> disk,
            Optional<Boolean> client,
            Optional<Boolean> quorum,
            Optional<Long> sizeBytes,
            Optional<Long> readBytes,
            Optional<Long> writtenBytes,
            Optional<Long> upperPending,
            Optional<Long> lowerPending)
            implements OfResource {}

    /**
     * {@code syncVerdict} is the {@code sync-state:} word newer drbdsetup prints on a StandAlone
     * connection that refused to connect (SplitBrain or Unrelated data).
     */
    record ConnectionUpdate(
            Verb verb,
            Optional<OffsetDateTime> at,
            String resource,
            int peerNodeId,
            String peer,
            Optional<ConnectionState> connection,
            Optional<DrbdRole> peerRole,
            Optional<Boolean> congested,
            Optional<Long> apInFlightBytes,
            Optional<Long> rsInFlightBytes,
            Optional<SyncVerdict> syncVerdict)
            implements OfResource {}

    record PeerDeviceUpdate(
            Verb verb,
            Optional<OffsetDateTime> at,
            String resource,
            int peerNodeId,
            String peer,
            int volume,
            Optional<ReplicationState> replication,
            Optional<DiskState> peerDisk,
            Optional<Boolean> peerClient,
            Optional<Boolean> resyncSuspended,
            Optional<Long> outOfSyncBytes,
            Optional<Long> pending,
            Optional<Long> unacked,
            Optional<Long> sentBytes,
            Optional<Long> receivedBytes,
            Optional<Double> donePercent,
            Optional<Double> etaSeconds,
            Optional<Double> resyncRateBytesPerSecond)
            implements OfResource {
        /** True when the line carried the statistics block (received/sent), which always includes done % while syncing. */
        boolean carriesStatistics() {
            return receivedBytes.isPresent() || sentBytes.isPresent();
        }
    }

    /** A network path; {@code local}/{@code remote} as DRBD prints them ("ipv4:10.0.0.2:7789"). */
    record PathUpdate(
            Verb verb,
            Optional<OffsetDateTime> at,
            String resource,
            int peerNodeId,
            String peer,
            String local,
            String remote,
            Optional<Boolean> established)
            implements OfResource {}

    /** A handler DRBD called ({@code call}) or its exit status ({@code response}). */
    record HelperUpdate(
            Verb verb,
            Optional<OffsetDateTime> at,
            String resource,
            OptionalInt peerNodeId,
            Optional<String> peer,
            OptionalInt volume,
            OptionalInt minor,
            String helper,
            OptionalInt status)
            implements OfResource {
        public static final String SPLIT_BRAIN = "split-brain";

        /**
         * The handlers DRBD calls around every resync (drbd.conf's before-resync-target,
         * after-resync-target, before-resync-source, and unfence-peer once the peer is UpToDate
         * again): routine, where split-brain, pri-lost, local-io-error and the rest are not.
         */
        private static final java.util.Set<String> RESYNC_HELPERS =
                java.util.Set.of("before-resync-target", "after-resync-target", "before-resync-source", "unfence-peer");

        public boolean partOfResync() {
            return RESYNC_HELPERS.contains(helper);
        }
    }

    record RenameUpdate(Optional<OffsetDateTime> at, String resource, String newName) implements OfResource {
        @Override
        public Verb verb() {
            return Verb.RENAME;
        }
    }

    /** Why a StandAlone connection refuses to connect, as newer drbdsetup reports it. */
    enum SyncVerdict {
        SPLIT_BRAIN("SplitBrain"),
        UNRELATED("Unrelated");

        private final String word;

        SyncVerdict(String word) {
            this.word = word;
        }

        static Optional<SyncVerdict> of(String word) {
            for (SyncVerdict v : values()) {
                if (v.word.equals(word)) {
                    return Optional.of(v);
                }
            }
            return Optional.empty();
        }
    }
}
