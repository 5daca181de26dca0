package io.vigil.collectors.command;

import java.util.List;

/**
 * A command as an argv list: never a shell string, so no argument is ever re-read as syntax.
 * Arguments that come from names are validated by whoever builds the command (see
 * {@link io.vigil.events.Name}).
 */
public record Command(List<String> argv) {
    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs at least the program");
        }
        for (String arg : argv) {
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(
                        "argument contains a NUL byte: " + io.vigil.events.Name.printable(arg));
            }
        }
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv));
    }

    public String program() {
        return argv.get(0);
    }

    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
