package io.vigil.collectors.command;

/** A command that could not be run, or was killed because it ran past its timeout. */
public final class CommandException extends Exception {
    private final Command command;
    private final String problem;
    private final boolean timedOut;

    public CommandException(Command command, String problem, boolean timedOut, Throwable cause) {
        super("'" + command + "': " + problem, cause);
        this.command = command;
        this.problem = problem;
        this.timedOut = timedOut;
    }

    /** What went wrong, without the command line (which may carry a secret, such as a fence's password). */
    public String problem() {
        return problem;
    }

    public Command command() {
        return command;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
