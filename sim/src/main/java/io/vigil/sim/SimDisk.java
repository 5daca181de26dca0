package io.vigil.sim;

import io.vigil.events.DiskProtocol;
import java.util.Optional;

/**
 * One physical disk of a simulated host and the SMART facts smartctl reports for it. Mutable,
 * guarded by the pair's lock.
 */
final class SimDisk {
    final String device;
    final DiskProtocol protocol;
    /** the VG whose only PV sits on this disk, if any */
    final Optional<String> volumeGroup;

    String modelFamily;
    String model;
    String serial;
    String firmware;
    final long capacityBytes;
    boolean failed;
    /** SMART's overall verdict is FAILED while the medium still works (the drive's own warning before it goes) */
    boolean dying;

    long reallocatedSectors;
    long pendingSectors;
    long offlineUncorrectable;
    int temperatureCelsius;
    long powerOnHours;
    long powerCycles;
    int errorLogEntries;
    // NVMe health log
    int criticalWarning;
    long mediaErrors;
    int percentageUsed;
    int availableSpare = 100;

    SimDisk(
            String device,
            DiskProtocol protocol,
            Optional<String> volumeGroup,
            String modelFamily,
            String model,
            String serial,
            String firmware,
            long capacityBytes,
            int temperatureCelsius,
            long powerOnHours) {
        this.device = device;
        this.protocol = protocol;
        this.volumeGroup = volumeGroup;
        this.modelFamily = modelFamily;
        this.model = model;
        this.serial = serial;
        this.firmware = firmware;
        this.capacityBytes = capacityBytes;
        this.temperatureCelsius = temperatureCelsius;
        this.powerOnHours = powerOnHours;
        this.powerCycles = 41;
    }

    /** The names smartctl accepts for this disk: an NVMe controller answers for its namespace too. */
    boolean answersTo(String name) {
        return device.equals(name) || (protocol == DiskProtocol.NVME && name.equals(device + "n1"));
    }

    /** The medium dies: what SMART shows for a disk that is going (sectors remapped, health FAILED). */
    void fail() {
        failed = true;
        if (protocol == DiskProtocol.NVME) {
            criticalWarning = 0x04; // NVM subsystem reliability degraded
            mediaErrors = 1287;
            availableSpare = 3;
            percentageUsed = 100;
            errorLogEntries = 1287;
        } else {
            reallocatedSectors = 3992;
            pendingSectors = 184;
            offlineUncorrectable = 184;
            errorLogEntries = 1206;
        }
    }

    /** The drive's firmware gives up on it: SMART FAILED, sectors remapped and pending, and it still reads and writes. */
    void dying() {
        dying = true;
        if (protocol == DiskProtocol.NVME) {
            criticalWarning = 0x01; // available spare below threshold
            availableSpare = 4;
            percentageUsed = 97;
        } else {
            reallocatedSectors = 2048;
            pendingSectors = 16;
        }
    }

    /** What SMART's overall health says: failed, or about to. */
    boolean smartFailing() {
        return failed || dying;
    }

    /** A new disk of the same model goes into the slot: new serial, clean SMART, no hours. */
    void replace(int generation) {
        failed = false;
        dying = false;
        serial = serial.replaceAll("-R\\d+$", "") + "-R" + generation;
        reallocatedSectors = 0;
        pendingSectors = 0;
        offlineUncorrectable = 0;
        errorLogEntries = 0;
        criticalWarning = 0;
        mediaErrors = 0;
        percentageUsed = 0;
        availableSpare = 100;
        powerOnHours = 0;
        powerCycles = 1;
    }
}
