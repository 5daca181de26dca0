package io.vigil.collectors.command;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The host's real files. Reads are capped: /proc files are small, a runaway one must not fill the heap. */
public final class LocalHostFiles implements HostFiles {
    private static final int MAX_BYTES = 4 * 1024 * 1024;

    @Override
    public Optional<String> read(Path path) throws IOException {
        // /proc files report size 0, so read by stream rather than by size
        try (InputStream in = Files.newInputStream(path)) {
            return Optional.of(new String(in.readNBytes(MAX_BYTES), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<String> list(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
