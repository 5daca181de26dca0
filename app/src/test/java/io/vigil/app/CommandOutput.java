package io.vigil.app;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of the {@code vigil} command line in this JVM, with what it printed. */
record CommandOutput(int exitCode, String out, String err) {
    static CommandOutput run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CommandOutput(code, out.toString(), err.toString());
    }
}
