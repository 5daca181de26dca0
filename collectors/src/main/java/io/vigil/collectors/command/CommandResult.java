package io.vigil.collectors.command;

import java.time.Duration;

/** How a finished command ended: its exit code and everything it printed. */
public record CommandResult(Command command, int exitCode, String stdout, String stderr, Duration took) {
}
