package io.vigil.collectors.command;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where the agent's commands run: real processes on a host ({@link ProcessCommandRunner}), or a
 * simulated host in the lab. Everything above this seam is the same code in both worlds.
 */
public interface CommandRunner {
    /**
     * Runs a command to completion. A command still running after {@code timeout} is killed and
     * reported as a {@link CommandException} with {@code timedOut()} set. A non-zero exit code is
     * not an error here: tools such as smartctl report facts through it.
     */
    CommandResult run(Command command, Duration timeout) throws CommandException;

    /**
     * Starts a long-running command and hands each line of its stdout to {@code lines}, on a
     * thread of the runner's, in order, until the command ends or is closed.
     */
    RunningCommand start(Command command, Consumer<String> lines) throws CommandException;
}
