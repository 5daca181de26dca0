package io.vigil.app;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdResource.DrbdConnection;
import io.vigil.events.DrbdResource.DrbdDevice;
import io.vigil.events.DrbdResource.DrbdPeerDevice;
import io.vigil.events.DrbdResource.ReplicationLatency;
import io.vigil.events.DrbdRole;
import io.vigil.events.Envelope;
import io.vigil.events.ReplicationState;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Months of one node's DRBD reports, made up but shaped like a real pair's: every resource
 * reports every {@code interval}; now and then its link drops for a few minutes, out-of-sync
 * bytes pile up, and a resync brings it back, so the history holds episodes among the samples.
 * Deterministic for a seed; generated as it is read, so 26 million reports take no memory.
 */
final class HistoryWorkload implements Iterable<Envelope> {
    static final String CLUSTER = "bench";
    static final String NODE = "node-a";
    static final String PEER = "node-b";
    private static final long RESYNC_BYTES_PER_SECOND = 100L << 20;

    private final int resources;
    private final Instant start;
    private final Duration length;
    private final Duration interval;
    private final long seed;
    /** Made once: names are checked as records are built, and a healthy volume's report is the same every time. */
    private final String[] names;

    private final List<DrbdDevice> devices;
    private final DrbdPeerDevice healthy = new DrbdPeerDevice(
            0,
            ReplicationState.ESTABLISHED,
            DiskState.UP_TO_DATE,
            false,
            false,
            Optional.of(0L),
            Optional.of(0L),
            Optional.of(0L),
            Optional.of(0L),
            Optional.of(0L),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    private final long[] cycles;
    private final long[] outages;
    private final long[] offsets;

    HistoryWorkload(int resources, Instant start, Duration length, Duration interval, long seed) {
        if (resources < 1 || length.isNegative() || interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException(
                    "a workload needs at least one resource, a length and a positive interval");
        }
        this.resources = resources;
        this.start = start;
        this.length = length;
        this.interval = interval;
        this.seed = seed;
        this.names = new String[resources];
        this.cycles = new long[resources];
        this.outages = new long[resources];
        this.offsets = new long[resources];
        List<DrbdDevice> made = new java.util.ArrayList<>(resources);
        for (int i = 0; i < resources; i++) {
            names[i] = resource(i);
            made.add(new DrbdDevice(0, i, DiskState.UP_TO_DATE, false, Optional.empty(), Optional.empty()));
            SplittableRandom r = new SplittableRandom(seed * 1_000_003L + i);
            cycles[i] = Duration.ofHours(48 + r.nextInt(48)).toMillis() / interval.toMillis();
            outages[i] = Math.max(1, Duration.ofMinutes(2 + r.nextInt(8)).toMillis() / interval.toMillis());
            offsets[i] = r.nextLong(cycles[i]);
        }
        this.devices = List.copyOf(made);
    }

    long ticks() {
        return length.toMillis() / interval.toMillis();
    }

    /** How many reports the workload holds: one per resource and tick. */
    long size() {
        return ticks() * resources;
    }

    static String resource(int index) {
        return String.format("r%03d", index);
    }

    /**
     * Where resource {@code index} stands at {@code tick}: each resource lives in cycles of a few
     * days (its own length, from the seed); a cycle ends with an outage of the link and the resync
     * that follows it.
     */
    private Phase phaseOf(int index, long tick) {
        long cycle = cycles[index];
        long outage = outages[index];
        long at = (tick + offsets[index]) % cycle;
        long outageStart = cycle - outage * 3; // an outage, then a resync about twice as long
        if (at < outageStart) {
            return new Phase(Stage.HEALTHY, 0, 0);
        }
        if (at < outageStart + outage) {
            return new Phase(Stage.DISCONNECTED, at - outageStart, outage);
        }
        return new Phase(Stage.RESYNC, at - outageStart - outage, outage);
    }

    private enum Stage {
        HEALTHY,
        DISCONNECTED,
        RESYNC
    }

    private record Phase(Stage stage, long ticksIn, long outageTicks) {}

    private Envelope report(int index, long tick, long seq, SplittableRandom jitter) {
        Instant ts = start.plusMillis(tick * interval.toMillis());
        Phase phase = phaseOf(index, tick);
        double seconds = interval.toMillis() / 1000.0;
        // writes while the link is down become out-of-sync bytes: a few MiB a second
        long dirtyPerTick = (long) ((2L << 20) * seconds);
        ConnectionState connection = ConnectionState.CONNECTED;
        ReplicationState replication = ReplicationState.ESTABLISHED;
        DiskState peerDisk = DiskState.UP_TO_DATE;
        long outOfSync = 0;
        Optional<Double> done = Optional.empty();
        Optional<Double> eta = Optional.empty();
        Optional<Double> rate = Optional.empty();
        Optional<Double> rtt = Optional.of(0.0003 + jitter.nextDouble() * 0.0017);
        switch (phase.stage()) {
            case HEALTHY -> {
                // DRBD's residual out-of-sync count: a few KiB that stay while both sides are UpToDate
                if (jitter.nextInt(500) == 0) {
                    outOfSync = 4096L * (1 + jitter.nextInt(4));
                }
            }
            case DISCONNECTED -> {
                connection = ConnectionState.CONNECTING;
                replication = ReplicationState.OFF;
                peerDisk = DiskState.DUNKNOWN;
                outOfSync = dirtyPerTick * (phase.ticksIn() + 1);
                rtt = Optional.empty();
            }
            case RESYNC -> {
                long total = dirtyPerTick * phase.outageTicks();
                long resyncTicks = phase.outageTicks() * 2;
                outOfSync = Math.max(0, total - total * (phase.ticksIn() + 1) / resyncTicks);
                replication = ReplicationState.SYNC_SOURCE;
                peerDisk = DiskState.INCONSISTENT;
                double bytesPerSecond = RESYNC_BYTES_PER_SECOND * (0.5 + jitter.nextDouble());
                rate = Optional.of(bytesPerSecond);
                eta = Optional.of(outOfSync / bytesPerSecond);
                done = Optional.of(total == 0 ? 100.0 : 100.0 * (total - outOfSync) / total);
                if (outOfSync == 0) {
                    replication = ReplicationState.ESTABLISHED;
                    peerDisk = DiskState.UP_TO_DATE;
                    rate = Optional.empty();
                    eta = Optional.empty();
                    done = Optional.empty();
                }
            }
        }
        DrbdPeerDevice peerDevice = phase.stage() == Stage.HEALTHY && outOfSync == 0
                ? healthy
                : new DrbdPeerDevice(
                        0,
                        replication,
                        peerDisk,
                        false,
                        false,
                        Optional.of(outOfSync),
                        Optional.of(0L),
                        Optional.of(0L),
                        Optional.of(0L),
                        Optional.of(0L),
                        done,
                        eta,
                        rate);
        DrbdConnection link = new DrbdConnection(
                PEER,
                1,
                connection,
                connection == ConnectionState.CONNECTED ? DrbdRole.SECONDARY : DrbdRole.UNKNOWN,
                false,
                Optional.empty(),
                Optional.empty(),
                List.of(),
                List.of(peerDevice),
                new ReplicationLatency(rtt, Optional.empty()));
        DrbdResource body = new DrbdResource(
                names[index],
                DrbdRole.PRIMARY,
                false,
                Optional.empty(),
                Optional.empty(),
                false,
                devices.subList(index, index + 1),
                List.of(link));
        return Envelope.of(CLUSTER, NODE, seq, ts, body);
    }

    @Override
    public Iterator<Envelope> iterator() {
        long total = size();
        SplittableRandom jitter = new SplittableRandom(seed);
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < total;
            }

            @Override
            public Envelope next() {
                if (next >= total) {
                    throw new NoSuchElementException();
                }
                long n = next++;
                return report((int) (n % resources), n / resources, n + 1, jitter);
            }
        };
    }
}
