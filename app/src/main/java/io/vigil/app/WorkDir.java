package io.vigil.app;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a command that runs a broker keeps its data (the lab, the benches): the directory the
 * user gave, kept afterwards, or a temporary one, removed with everything in it on close.
 */
final class WorkDir implements AutoCloseable {
    private final Path path;
    private final boolean temporary;

    private WorkDir(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    /** {@code given} (created when missing, kept), or when it is null a new temporary directory named {@code prefix}... */
    static WorkDir givenOrTemporary(Path given, String prefix) throws IOException {
        return given != null ? new WorkDir(Files.createDirectories(given), false) : temporary(prefix);
    }

    /** A new temporary directory named {@code prefix}..., removed on close. */
    static WorkDir temporary(String prefix) throws IOException {
        return new WorkDir(Files.createTempDirectory(prefix), true);
    }

    Path path() {
        return path;
    }

    Path resolve(String name) {
        return path.resolve(name);
    }

    @Override
    public void close() throws IOException {
        if (!temporary || !Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
