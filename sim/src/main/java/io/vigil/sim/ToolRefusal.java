package io.vigil.sim;

/**
 * A state change a real tool refuses, with what that tool prints on stderr and the exit status it
 * ends with (drbdadm's 17 for "no good data", 11 for other refused state changes, 10 for a
 * refused configuration). An IllegalStateException, so callers of the host's Java methods see the
 * same refusal the argv's caller does.
 */
final class ToolRefusal extends IllegalStateException {
    final int exitCode;
    final String stderr;

    ToolRefusal(int exitCode, String stderr) {
        super(stderr.strip());
        this.exitCode = exitCode;
        this.stderr = stderr.endsWith("\n") ? stderr : stderr + "\n";
    }
}
