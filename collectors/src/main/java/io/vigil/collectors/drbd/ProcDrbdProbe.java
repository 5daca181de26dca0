package io.vigil.collectors.drbd;

import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.drbd.ProcDrbdParser.Minor;
import io.vigil.collectors.drbd.ProcDrbdParser.MinorName;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.collectors.probe.PolledProbe;
import io.vigil.collectors.probe.ProbeException;
import io.vigil.collectors.probe.ProbeRemarks;
import io.vigil.events.Body;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DRBD 8: reads {@code /proc/drbd} every {@code interval} and publishes one DrbdResource per
 * resource. Minors are named through {@link MinorNames} (drbdadm); the mapping is looked up
 * again whenever the set of configured minors changes. Unreadable blocks are logged, once while
 * they last, and, when no minor could be read at all, the poll fails with the first problem.
 */
public final class ProcDrbdProbe implements PolledProbe {
    static final Path PROC_DRBD = Path.of("/proc/drbd");
    private static final Logger log = LoggerFactory.getLogger(ProcDrbdProbe.class);
    private final ProbeRemarks remarks = new ProbeRemarks(log);

    private final HostFiles files;
    private final CommandRunner runner;
    private final Duration interval;
    private final Duration timeout;
    private Set<Integer> mappedMinors = Set.of();
    private Map<Integer, MinorName> names = Map.of();

    public ProcDrbdProbe(HostFiles files, CommandRunner runner, Duration interval, Duration timeout) {
        this.files = Objects.requireNonNull(files, "files");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String name() {
        return DrbdEventsProbe.NAME;
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
    public synchronized List<Body> poll() throws ProbeException {
        remarks.startPoll();
        String text;
        try {
            text = files.read(PROC_DRBD)
                    .orElseThrow(
                            () -> new ProbeException(PROC_DRBD + " does not exist: is the drbd kernel module loaded?"));
        } catch (IOException e) {
            throw new ProbeException("cannot read " + PROC_DRBD + ": " + e.getMessage(), e);
        }
        ParseResult<Minor> parsed = ProcDrbdParser.parse(PROC_DRBD.toString(), text);
        if (parsed.values().isEmpty() && !parsed.problems().isEmpty()) {
            throw new ProbeException(parsed.problems().get(0).toString());
        }
        if (!parsed.problems().isEmpty()) {
            remarks.warn("drbd: " + PROC_DRBD, "read in part: " + parsed.problemsText());
        }
        Set<Integer> minors = parsed.values().stream().map(Minor::minor).collect(Collectors.toSet());
        if (!minors.equals(mappedMinors)) {
            names = MinorNames.resolve(runner, timeout);
            mappedMinors = minors;
            log.info("drbd: DRBD 8 minors {} mapped to {}", minors, names);
        }
        remarks.pollDone();
        return List.copyOf(ProcDrbdParser.toResources(parsed.values(), names));
    }
}
