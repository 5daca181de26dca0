package io.vigil.sim;

import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdRole;

/**
 * One DRBD resource (one volume) as one host holds it: its role, its disk, its view of the
 * connection, and its counters (KiB, as drbdsetup prints them). Mutable, guarded by the pair's lock.
 */
final class SimResource {
    final String name;
    final int minor;
    final int port;
    final String volumeGroup;
    final String logicalVolume;
    final long sizeKiB;
    DrbdRole role = DrbdRole.SECONDARY;
    DiskState disk = DiskState.UP_TO_DATE;
    ConnectionState connection = ConnectionState.CONNECTED;
    /** this host's net option allow-two-primaries for its connection to the peer; DRBD's default is no */
    boolean allowTwoPrimaries;

    long readKiB;
    long writtenKiB;
    long sentKiB;
    long receivedKiB;

    SimResource(String name, int minor, int port, String volumeGroup, String logicalVolume, long sizeKiB) {
        this.name = name;
        this.minor = minor;
        this.port = port;
        this.volumeGroup = volumeGroup;
        this.logicalVolume = logicalVolume;
        this.sizeKiB = sizeKiB;
    }

    String backingDevice() {
        return "/dev/" + volumeGroup + "/" + logicalVolume;
    }

    boolean hasDisk() {
        return disk != DiskState.DISKLESS && disk != DiskState.FAILED && disk != DiskState.DETACHING;
    }
}
