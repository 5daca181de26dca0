package io.vigil.collectors.lvm;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.probe.ProbeRemarks;
import io.vigil.events.Body;
import io.vigil.events.LvmReport;
import io.vigil.events.LvmReport.LogicalVolume;
import io.vigil.events.LvmReport.VolumeGroup;
import io.vigil.events.Name;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.LoggerFactory;

/**
 * Reads the host's volume groups and logical volumes with {@code vgs} and {@code lvs} and emits
 * one {@link LvmReport} per poll, each LV marked with the DRBD resource it backs (from the
 * agent's config, "vg0/r0-disk" -> "r0").
 *
 * <p>A report is a snapshot that the engine compares with the last one, so the poll fails rather
 * than publish half of it: when vgs or lvs cannot run, exits non-zero with nothing reported, or
 * prints nothing readable. Single rows
 * that cannot be read are logged (once, while they last) and left out, and the rest is published.
 */
public final class LvmProbe implements PolledProbe {
    static final Command VGS = Command.of(
            "vgs",
            "--reportformat",
            "json",
            "--units",
            "b",
            "--nosuffix",
            "-o",
            "vg_name,vg_size,vg_free,pv_count,lv_count");
    static final Command LVS = Command.of(
            "lvs",
            "--reportformat",
            "json",
            "--units",
            "b",
            "--nosuffix",
            "-o",
            "vg_name,lv_name,lv_size,lv_attr,pool_lv,origin,data_percent,metadata_percent,snap_percent");

    private final CommandRunner runner;
    private final Map<String, String> lvToResource;
    private final Duration interval;
    private final Duration timeout;
    private final ProbeRemarks remarks = new ProbeRemarks(LoggerFactory.getLogger(LvmProbe.class));

    public LvmProbe(CommandRunner runner, Map<String, String> lvToResource, Duration interval, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.lvToResource = Map.copyOf(checked(lvToResource));
        this.interval = positive("interval", interval);
        this.timeout = positive("timeout", timeout);
    }

    @Override
    public String name() {
        return "lvm";
    }

    @Override
    public Duration interval() {
        return interval;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public List<Body> poll() throws ProbeException, InterruptedException {
        remarks.startPoll();
        List<VolumeGroup> groups = read(VGS, LvmReportParser::parseVgs);
        List<LogicalVolume> volumes = read(LVS, LvmReportParser::parseLvs).stream()
                .map(this::withResource)
                .toList();
        for (String lv : lvToResource.keySet()) {
            if (volumes.stream().noneMatch(v -> (v.vg() + "/" + v.name()).equals(lv))) {
                remarks.warn(
                        "lvm: lv=" + lv + " resource=" + lvToResource.get(lv),
                        "is configured but lvs does not list it");
            }
        }
        remarks.pollDone();
        return List.of(new LvmReport(groups, volumes));
    }

    private LogicalVolume withResource(LogicalVolume lv) {
        Optional<String> resource = Optional.ofNullable(lvToResource.get(lv.vg() + "/" + lv.name()));
        return new LogicalVolume(
                lv.vg(),
                lv.name(),
                lv.sizeBytes(),
                lv.attributes(),
                lv.pool(),
                lv.origin(),
                lv.dataPercent(),
                lv.metadataPercent(),
                lv.snapshotPercent(),
                resource);
    }

    private <T> List<T> read(Command command, BiFunction<String, String, ParseResult<T>> parser)
            throws ProbeException, InterruptedException {
        CommandResult result;
        try {
            result = runner.run(command, timeout);
        } catch (CommandException e) {
            if (e.getCause() instanceof InterruptedException
                    || Thread.currentThread().isInterrupted()) {
                Thread.interrupted();
                throw new InterruptedException(e.getMessage());
            }
            throw new ProbeException(command.program() + " did not finish: " + e.getMessage(), e);
        }
        ParseResult<T> parsed = parser.apply(command.program(), result.stdout());
        if (result.exitCode() != 0 && parsed.values().isEmpty()) {
            // LVM exits non-zero when it cannot run at all (no lock, no permission) and prints an
            // empty report all the same: that is a failed command, not a host without volumes
            throw new ProbeException(result.exitSummary());
        }
        if (parsed.values().isEmpty() && !parsed.problems().isEmpty()) {
            throw new ProbeException("'" + command + "' printed no readable report: "
                    + parsed.problems().get(0));
        }
        if (!parsed.problems().isEmpty()) {
            remarks.warn("lvm: " + command.program() + " rows", "cannot be read: " + parsed.problemsText());
        }
        if (result.exitCode() != 0) {
            // LVM also exits non-zero when one of several VGs has trouble, and still reports the others
            remarks.warn("lvm: " + command.program(), "printed a report, which is used, but " + result.exitSummary());
        }
        return parsed.values();
    }

    private static Map<String, String> checked(Map<String, String> lvToResource) {
        Map<String, String> checked = new LinkedHashMap<>();
        lvToResource.forEach((lv, resource) -> {
            String[] parts = lv.split("/", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException(
                        "lvm lv '" + Name.printable(lv) + "': expected vg/lv, e.g. vg0/r0-disk");
            }
            Name.check("lvm vg of " + Name.printable(lv), parts[0]);
            Name.check("lvm lv of " + Name.printable(lv), parts[1]);
            Name.check("drbd resource of " + lv, resource);
            checked.put(lv, resource);
        });
        return checked;
    }

    private static Duration positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("lvm " + what + ": must be positive, was " + d);
        }
        return d;
    }
}
