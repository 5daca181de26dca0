package io.vigil.lab.prom;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.events.WireCodec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server of the Prometheus family (Prometheus, Alertmanager) run as a child process on a free
 * port of 127.0.0.1, its output in a log file, ready once it answers {@code GET /-/ready}, and
 * killed at close. A binary that is missing, or a server that exits or is not ready in time, is
 * an error that says which Debian package to install or which log to read, with the log's end.
 */
public final class ServerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerProcess.class);
    private static final Duration READY = Duration.ofSeconds(60);
    /** Another process may take the free port between our probe and the child's bind: a few tries. */
    private static final int TRIES = 3;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String name;
    private final Process process;
    private final URI url;
    private final Path logFile;

    private ServerProcess(String name, Process process, URI url, Path logFile) {
        this.name = name;
        this.process = process;
        this.url = url;
        this.logFile = logFile;
    }

    /**
     * Starts BINARY (found on the PATH; Debian's package PACKAGE installs it) with the arguments
     * {@code argv} gives for a port, logging to {@code logFile}, and waits until it is ready.
     */
    public static ServerProcess start(
            String binary, String debianPackage, IntFunction<List<String>> argv, Path logFile) {
        String path = onPath(binary)
                .orElseThrow(() -> new IllegalStateException(binary + " is not installed: install Debian's "
                        + debianPackage + " package (sudo apt-get install -y " + debianPackage + ")"));
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= TRIES; attempt++) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(path));
            command.addAll(argv.apply(port));
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(binary + " could not be started (" + e.getMessage() + ")", e);
            }
            ServerProcess server = new ServerProcess(binary, process, URI.create("http://127.0.0.1:" + port), logFile);
            try {
                server.awaitReady();
                log.info("{} ready at {}, pid {}, log {}", binary, server.url, process.pid(), logFile);
                return server;
            } catch (IllegalStateException e) {
                server.close();
                last = e;
                if (!server.logTail().contains("address already in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with status " + process.exitValue()
                        + " before it was ready; its log, " + logFile + ", ends:\n" + logTail());
            }
            try {
                HttpResponse<Void> ready = http.send(
                        HttpRequest.newBuilder(url.resolve("/-/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            sleep(100);
        }
        throw new IllegalStateException(name + " was not ready within " + READY.toSeconds() + " s; its log, " + logFile
                + ", ends:\n" + logTail());
    }

    public URI url() {
        return url;
    }

    /** The JSON answer of {@code GET pathAndQuery}; any status but 200 is an IOException naming it. */
    JsonNode getJson(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(url.resolve(pathAndQuery))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(name + " answered GET " + pathAndQuery + " with status " + response.statusCode()
                    + ": " + response.body());
        }
        return WireCodec.json().readTree(response.body());
    }

    public Path logFile() {
        return logFile;
    }

    /** The last lines of the log, for an error that the user reads after the work directory is gone. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(the log could not be read: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM, and SIGKILL when it has not ended within ten seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                log.warn("{} (pid {}) did not end on SIGTERM within 10 s: killed", name, process.pid());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<String> onPath(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, binary);
            if (candidate.canExecute()) {
                return Optional.of(candidate.getPath());
            }
        }
        return Optional.empty();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1 (" + e.getMessage() + ")", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
