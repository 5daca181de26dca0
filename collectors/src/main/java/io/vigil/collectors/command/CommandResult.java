package io.vigil.collectors.command;

import io.vigil.events.Name;
import java.time.Duration;
import java.util.stream.Collectors;

/** How a finished command ended: its exit code and everything it printed. */
public record CommandResult(Command command, int exitCode, String stdout, String stderr, Duration took) {
    /**
     * The command's own account of how it ended, for an error or a log line: "'virsh -c
     * qemu:///system list --all' exited with status 1: error: failed to connect to the hypervisor;
     * error: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory".
     * Every stderr line is kept, joined with "; ": a tool's first line tends to say what failed and
     * its last why.
     */
    public String exitSummary() {
        return exitSummary(command, exitCode, stderr);
    }

    /** The same account for a command that streamed: its exit status and what it printed on stderr. */
    public static String exitSummary(Command command, int exitCode, String stderr) {
        String said = stderr.lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .collect(Collectors.joining("; "));
        return "'" + command + "' exited with status " + exitCode + ": "
                + (said.isEmpty() ? "nothing on stderr" : Name.printable(said, 1000));
    }
}
