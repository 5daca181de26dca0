package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How smartctl talks to a drive. */
public enum DiskProtocol implements WireEnum {
    ATA("ATA"),
    NVME("NVMe"),
    SCSI("SCSI"),
    UNKNOWN("unknown");

    private final String wire;

    DiskProtocol(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static DiskProtocol of(String word) {
        return WireEnum.parse(DiskProtocol.class, word);
    }
}
