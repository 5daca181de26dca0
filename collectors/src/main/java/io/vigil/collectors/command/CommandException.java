package io.vigil.collectors.command;

/** A command that could not be run, or was killed because it ran past its timeout. */
public final class CommandException extends Exception {
    private final Command command;
    private final boolean timedOut;

    public CommandException(Command command, String problem, boolean timedOut, Throwable cause) {
        super("'" + command + "': " + problem, cause);
        this.command = command;
        this.timedOut = timedOut;
    }

    public Command command() {
        return command;
    }

    public boolean timedOut() {
        return timedOut;
    }
}
