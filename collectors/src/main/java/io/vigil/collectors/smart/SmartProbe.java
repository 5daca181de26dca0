package io.vigil.collectors.smart;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.probe.ProbeRemarks;
import io.vigil.events.Body;
import io.vigil.events.DiskHealth;
import io.vigil.events.DiskProtocol;
import io.vigil.events.SmartctlFlag;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * Reads every drive's health with {@code smartctl --json -a [-d TYPE] DEVICE}, one run per drive,
 * each with the probe's timeout. Drives come from the config, or from
 * {@code smartctl --scan-open --json} on each poll when the config names none.
 *
 * <p>One drive that cannot be read does not hide the others: it is logged, and still reported
 * as a {@link DiskHealth} with what is known (its exit status and flags, or, when smartctl did
 * not finish, exit status {@value #DID_NOT_FINISH} and the reason in its messages), so a dead
 * drive shows up as a fact rather than vanishing. The poll fails only when no drive could be read.
 */
public final class SmartProbe implements PolledProbe {
    /** The exit status reported for a drive whose smartctl run did not finish (timed out, could not start). */
    public static final int DID_NOT_FINISH = -1;

    private final CommandRunner runner;
    private final List<SmartDevice> devices;
    private final Duration interval;
    private final Duration timeout;
    private final ProbeRemarks remarks = new ProbeRemarks(LoggerFactory.getLogger(SmartProbe.class));

    public SmartProbe(CommandRunner runner, List<SmartDevice> devices, Duration interval, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.devices = List.copyOf(devices);
        this.interval = positive("interval", interval);
        this.timeout = positive("timeout", timeout);
    }

    @Override
    public String name() {
        return "smart";
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
        List<SmartDevice> targets = devices.isEmpty() ? scan() : devices;
        List<Body> disks = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (SmartDevice device : targets) {
            Reading reading = read(device);
            disks.add(reading.health());
            reading.failure().ifPresent(failures::add);
        }
        if (!targets.isEmpty() && failures.size() == targets.size()) {
            throw new ProbeException("smartctl could not read any drive: " + String.join("; ", failures));
        }
        remarks.pollDone();
        return disks;
    }

    /** What one smartctl run yielded, and why it counts as a failure when it does. */
    private record Reading(DiskHealth health, Optional<String> failure) {}

    private Reading read(SmartDevice device) throws InterruptedException {
        Command command = command(device);
        CommandResult result;
        try {
            result = runner.run(command, timeout);
        } catch (CommandException e) {
            rethrowInterrupt(e);
            remarks.warn("smart: device=" + device, "smartctl did not finish: " + e.getMessage());
            return new Reading(
                    unread(device, DID_NOT_FINISH, e.getMessage()), Optional.of(device + ": " + e.getMessage()));
        }
        String source = "smartctl " + device;
        ParseResult<DiskHealth> parsed = SmartctlJsonParser.parse(
                source, result.stdout(), Optional.of(device), OptionalInt.of(result.exitCode()));
        if (parsed.values().isEmpty()) {
            String why = parsed.problems().isEmpty()
                    ? "no output"
                    : parsed.problems().get(0).toString();
            remarks.warn("smart: device=" + device, why);
            return new Reading(unread(device, result.exitCode(), why), Optional.of(why));
        }
        DiskHealth health = parsed.values().get(0);
        if (!health.device().equals(device.device())) {
            // smartctl answers for the drive it was given; another name means the output is not this drive's
            String why = source + ": smartctl reported device " + health.device();
            remarks.warn("smart: device=" + device, why);
            return new Reading(unread(device, result.exitCode(), why), Optional.of(why));
        }
        if (!parsed.problems().isEmpty()) {
            remarks.warn("smart: device=" + device, "output read in part: " + parsed.problemsText());
        }
        return new Reading(health, Optional.empty());
    }

    private List<SmartDevice> scan() throws ProbeException, InterruptedException {
        Command command = Command.of("smartctl", "--scan-open", "--json");
        CommandResult result;
        try {
            result = runner.run(command, timeout);
        } catch (CommandException e) {
            rethrowInterrupt(e);
            throw new ProbeException("cannot list drives: " + e.getMessage(), e);
        }
        ParseResult<SmartDevice> scanned = SmartctlScanParser.parse("smartctl --scan-open", result.stdout());
        if (scanned.values().isEmpty() && !scanned.problems().isEmpty()) {
            throw new ProbeException("cannot list drives: " + scanned.problems().get(0));
        }
        if (!scanned.problems().isEmpty()) {
            remarks.warn("smart: scan", "output read in part: " + scanned.problemsText());
        }
        return scanned.values();
    }

    static Command command(SmartDevice device) {
        List<String> argv = new ArrayList<>(List.of("smartctl", "--json", "-a"));
        device.type().ifPresent(t -> {
            argv.add("-d");
            argv.add(t);
        });
        argv.add(device.device());
        return new Command(argv);
    }

    private static DiskHealth unread(SmartDevice device, int exitStatus, String why) {
        Set<SmartctlFlag> flags = SmartctlExitStatus.decode(exitStatus);
        return new DiskHealth(
                device.device(),
                device.type(),
                Optional.empty(),
                Optional.empty(),
                DiskProtocol.UNKNOWN,
                Optional.empty(),
                exitStatus,
                flags,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of("vigil: " + why));
    }

    private static void rethrowInterrupt(CommandException e) throws InterruptedException {
        if (e.getCause() instanceof InterruptedException
                || Thread.currentThread().isInterrupted()) {
            Thread.interrupted();
            throw new InterruptedException(e.getMessage());
        }
    }

    private static Duration positive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("smart " + what + ": must be positive, was " + d);
        }
        return d;
    }
}
