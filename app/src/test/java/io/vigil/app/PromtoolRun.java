package io.vigil.app;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of promtool or amtool (Debian's prometheus and prometheus-alertmanager packages) in a
 * folder: its command line, exit status and output, which a failing test shows as the tool wrote it.
 */
record PromtoolRun(String command, int exit, String output) {
    private static final String INSTALL =
            "apt-get install -y prometheus prometheus-alertmanager (./vigil test installs them)";

    boolean passed() {
        return exit == 0;
    }

    /** Runs TOOL with ARGS in DIR; the output goes through a file, so a long one cannot fill a pipe and stall the tool. */
    static PromtoolRun in(Path dir, String tool, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add(installed(tool));
        argv.addAll(List.of(args));
        Path output = Files.createTempFile("promtool-", ".out");
        try {
            Process process = new ProcessBuilder(argv)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", argv) + " did not finish in 120 s (in " + dir + ")");
            }
            return new PromtoolRun(
                    tool + " " + String.join(" ", args),
                    process.exitValue(),
                    Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, tool);
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        throw new AssertionError(tool + " is not installed; install it with: " + INSTALL);
    }

    @Override
    public String toString() {
        return "$ " + command + " (exit " + exit + ")\n" + output;
    }
}
