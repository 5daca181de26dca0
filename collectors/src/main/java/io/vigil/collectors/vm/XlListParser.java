package io.vigil.collectors.vm;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import io.vigil.events.Body;
import io.vigil.events.Hypervisor;
import io.vigil.events.Liveness;
import io.vigil.events.VmState;
import io.vigil.events.VmStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads Xen's {@code xl list}: "Name ID Mem VCPUs State Time(s)", memory in MiB, and a state of
 * six flag columns r b p s c d (running, blocked, paused, shutdown, crashed, dying), '-' where a
 * flag is not set. Domain-0 is the host itself, not a VM, and is left out. xl lists only domains
 * that exist, so a configured VM that is shut down is absent (the probe reports it as missing),
 * and it prints no maximum memory, so that is unknown (absent from the event, not the current
 * memory nor 0).
 */
public final class XlListParser {
    private static final Pattern HEADER = Pattern.compile("\\s*Name\\s+ID\\s+Mem\\s+VCPUs\\s+State\\s+Time\\(s\\)\\s*");
    private static final Pattern ROW =
            Pattern.compile("(.+?)\\s+(\\d{1,9})\\s+(\\d{1,12})\\s+(\\d{1,5})\\s+([rbpscd-]{6})\\s+(\\d+(?:\\.\\d+)?)");
    private static final long MIB = 1024 * 1024;
    private static final String HOST = "Domain-0";

    private XlListParser() {}

    public static ParseResult<VmStatus> parse(String source, String text) {
        List<VmStatus> vms = new ArrayList<>();
        List<ParseProblem> problems = new ArrayList<>();
        boolean sawHeader = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            if (HEADER.matcher(line).matches()) {
                sawHeader = true;
                continue;
            }
            Matcher m = ROW.matcher(line);
            if (!m.matches()) {
                problems.add(new ParseProblem(
                        source,
                        i + 1,
                        line,
                        "expected 'NAME ID MEM VCPUS STATE TIME' with STATE six of r b p s c d or '-'"));
                continue;
            }
            String name = m.group(1);
            if (name.equals(HOST) || m.group(2).equals("0")) {
                continue;
            }
            try {
                long memory = Long.parseLong(m.group(3)) * MIB;
                vms.add(new VmStatus(
                        name,
                        Optional.empty(),
                        Hypervisor.XEN,
                        state(m.group(5)),
                        Optional.of(memory),
                        Optional.empty(),
                        Optional.of(Integer.parseInt(m.group(4))),
                        Optional.empty(),
                        Liveness.NOT_CHECKED,
                        Optional.empty()));
            } catch (IllegalArgumentException e) {
                problems.add(new ParseProblem(source, i + 1, line, e.getMessage()));
            }
        }
        if (!sawHeader && vms.isEmpty()) {
            problems.add(
                    0,
                    new ParseProblem(
                            source, 0, "", "not xl list output (no 'Name ID Mem VCPUs State Time(s)' header)"));
        }
        return new ParseResult<>(vms, problems);
    }

    /** The entry point of {@code vigil parse xl-list FILE}. */
    public static ParseResult<Body> toEvents(String source, String text) {
        return parse(source, text).map(vm -> vm);
    }

    /** The most telling flag wins: a crashed or dying domain may also show as blocked. */
    static VmState state(String flags) {
        if (flags.indexOf('c') >= 0) {
            return VmState.CRASHED;
        }
        if (flags.indexOf('d') >= 0) {
            return VmState.DYING;
        }
        if (flags.indexOf('s') >= 0) {
            return VmState.IN_SHUTDOWN;
        }
        if (flags.indexOf('p') >= 0) {
            return VmState.PAUSED;
        }
        if (flags.indexOf('b') >= 0 && flags.indexOf('r') < 0) {
            return VmState.IDLE;
        }
        // 'r', or no flag at all: runnable, waiting for a CPU
        return VmState.RUNNING;
    }
}
