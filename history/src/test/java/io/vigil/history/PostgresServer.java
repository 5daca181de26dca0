package io.vigil.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests, from Debian's package: a fresh cluster in a directory
 * under the build's tmp, listening on 127.0.0.1 on a free port, stopped and deleted at close.
 * initdb refuses to run as root, so as root the server runs as the {@code postgres} user.
 * Missing binaries fail the test with the line that installs them: it never skips.
 */
final class PostgresServer implements AutoCloseable {
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String SUPERUSER = "vigil";

    private final Path dataDir;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(Path dataDir, int port) {
        this.dataDir = dataDir;
        this.port = port;
    }

    static PostgresServer start() {
        if (!Files.isExecutable(BIN.resolve("initdb")) || !Files.isExecutable(BIN.resolve("pg_ctl"))) {
            throw new IllegalStateException("PostgreSQL 15's server is not installed (no " + BIN.resolve("initdb")
                    + "); the history's tests run against a real one: sudo apt-get install -y postgresql");
        }
        try {
            Path tmp = Files.createDirectories(
                    Path.of(System.getProperty("vigil.test.tmp", "target/tmp")).toAbsolutePath());
            Path dir = Files.createTempDirectory(tmp, "pg-");
            if (asRoot()) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            }
            Path data = dir.resolve("data");
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                port = socket.getLocalPort();
            }
            run(
                    List.of(
                            BIN.resolve("initdb").toString(),
                            "-D",
                            data.toString(),
                            "-U",
                            SUPERUSER,
                            "-A",
                            "trust",
                            "-E",
                            "UTF8",
                            "--no-sync"),
                    dir);
            run(
                    List.of(
                            BIN.resolve("pg_ctl").toString(),
                            "-D",
                            data.toString(),
                            "-l",
                            dir.resolve("server.log").toString(),
                            "-o",
                            "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir
                                    + " -c fsync=off -c full_page_writes=off",
                            "-w",
                            "-t",
                            "60",
                            "start"),
                    dir);
            return new PostgresServer(dir, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void run(List<String> command, Path dir) throws IOException {
        List<String> argv = new ArrayList<>();
        if (asRoot()) {
            argv.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        argv.addAll(command);
        Path output = Files.createTempFile("pg-cmd-", ".log");
        Process p = new ProcessBuilder(argv)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish in 90 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.deleteIfExists(output);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", argv) + " failed (" + p.exitValue() + "): " + text);
        }
    }

    /** A new empty database on this server, as the history's JDBC store config names it. */
    HistoryConfig.Store.Jdbc newDatabase() {
        String name = "history_" + databases.incrementAndGet();
        try (Connection admin = DriverManager.getConnection(url("postgres"), SUPERUSER, "")) {
            admin.createStatement().execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return new HistoryConfig.Store.Jdbc(url(name), Optional.of(SUPERUSER), Optional.empty());
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        try {
            run(
                    List.of(
                            BIN.resolve("pg_ctl").toString(),
                            "-D",
                            dataDir.resolve("data").toString(),
                            "-m",
                            "fast",
                            "-w",
                            "stop"),
                    dataDir);
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(f -> f.toFile().delete());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
