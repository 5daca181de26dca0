package io.vigil.events;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The host's volume groups and logical volumes, in bytes, with the DRBD resource each LV backs. */
public record LvmReport(List<VolumeGroup> volumeGroups, List<LogicalVolume> logicalVolumes) implements Body {
    public LvmReport {
        volumeGroups = List.copyOf(volumeGroups);
        logicalVolumes = List.copyOf(logicalVolumes);
    }

    @Override
    public Subject subject() {
        return new Subject.Host();
    }

    @Override
    public EventKind kind() {
        return EventKind.LVM;
    }

    public record VolumeGroup(String name, long sizeBytes, long freeBytes, int physicalVolumes, int logicalVolumes) {
        public VolumeGroup {
            Name.check("vg", name);
        }
    }

    /**
     * {@code pool}: the thin pool a thin LV lives in. {@code dataPercent}/{@code metadataPercent}:
     * thin-pool (or thin LV) usage. {@code snapshotPercent}: how full a snapshot is.
     * {@code attributes}: lvs's lv_attr string, kept for the detail it carries.
     */
    public record LogicalVolume(
            String vg,
            String name,
            long sizeBytes,
            String attributes,
            Optional<String> pool,
            Optional<String> origin,
            Optional<Double> dataPercent,
            Optional<Double> metadataPercent,
            Optional<Double> snapshotPercent,
            Optional<String> drbdResource) {
        public LogicalVolume {
            Name.check("vg", vg);
            Name.check("lv", name);
            Objects.requireNonNull(attributes, "attributes");
            pool = Objects.requireNonNullElse(pool, Optional.empty());
            origin = Objects.requireNonNullElse(origin, Optional.empty());
            dataPercent = Objects.requireNonNullElse(dataPercent, Optional.empty());
            metadataPercent = Objects.requireNonNullElse(metadataPercent, Optional.empty());
            snapshotPercent = Objects.requireNonNullElse(snapshotPercent, Optional.empty());
            drbdResource = Objects.requireNonNullElse(drbdResource, Optional.empty());
            drbdResource.ifPresent(r -> Name.check("drbdResource", r));
        }
    }
}
