package io.vigil.collectors.command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the agent reads the host's kernel files (/proc/drbd, /proc/meminfo, DRBD's debugfs): the
 * real filesystem, or a simulated host in the lab.
 */
public interface HostFiles {
    /** The file's text, or empty when it does not exist (a kernel that does not offer it). */
    Optional<String> read(Path path) throws IOException;

    /** The names in a directory, sorted, or an empty list when it does not exist. */
    List<String> list(Path directory) throws IOException;
}
