package io.vigil.collectors.command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs commands as real processes, argv only, with a fixed C locale so tools print the words
 * and number formats the parsers expect.
 */
public final class ProcessCommandRunner implements CommandRunner {
    /** Output past this is cut: a runaway tool must not fill the agent's heap. */
    static final int MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

    @Override
    public CommandResult run(Command command, Duration timeout) throws CommandException {
        long start = System.nanoTime();
        Process process = launch(command);
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new CommandException(
                        command, "killed after running longer than " + timeout.toMillis() + " ms", true, null);
            }
            return new CommandResult(
                    command,
                    process.exitValue(),
                    out.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS),
                    err.get(1000, TimeUnit.MILLISECONDS),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new CommandException(command, "interrupted", false, e);
        } catch (ExecutionException | TimeoutException e) {
            kill(process);
            throw new CommandException(command, "could not read its output: " + e.getMessage(), false, e);
        }
    }

    @Override
    public RunningCommand start(Command command, Consumer<String> lines) throws CommandException {
        Process process = launch(command);
        Deque<String> stderrTail = new ArrayDeque<>();
        Thread reader = daemon("cmd-out-" + command.program(), () -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.accept(line);
                }
            } catch (IOException e) {
                // the process was closed under us; its exit is reported through awaitExit
            }
        });
        Thread errors = daemon("cmd-err-" + command.program(), () -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    synchronized (stderrTail) {
                        stderrTail.addLast(line);
                        if (stderrTail.size() > 20) {
                            stderrTail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                // as above
            }
        });
        return new RunningCommand() {
            @Override
            public boolean isAlive() {
                return process.isAlive() || reader.isAlive();
            }

            @Override
            public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    return OptionalInt.empty();
                }
                // drain both streams first, so the caller's error message has the tool's last words
                reader.join(Math.max(1, timeout.toMillis()));
                errors.join(Math.max(1, timeout.toMillis()));
                return OptionalInt.of(process.exitValue());
            }

            @Override
            public String stderrTail() {
                synchronized (stderrTail) {
                    return String.join("\n", stderrTail);
                }
            }

            @Override
            public void close() {
                kill(process);
            }
        };
    }

    private static Process launch(Command command) throws CommandException {
        ProcessBuilder builder = new ProcessBuilder(command.argv());
        Map<String, String> env = builder.environment();
        env.put("LC_ALL", "C");
        env.put("LANG", "C");
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            return process;
        } catch (IOException e) {
            throw new CommandException(command, "cannot start: " + e.getMessage(), false, e);
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static String drain(InputStream in) {
        try (in) {
            byte[] bytes = in.readNBytes(MAX_OUTPUT_BYTES);
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
