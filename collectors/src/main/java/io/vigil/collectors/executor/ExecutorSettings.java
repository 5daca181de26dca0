package io.vigil.collectors.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The agent config's {@code executor:} section. Off by default; when on, {@code key} is present
 * (the loader requires exactly one of key_file and key_env, and checks the key's length).
 *
 * @param maxActionTime the longest any one command of an action may run, whatever the action's deadline
 */
public record ExecutorSettings(
        boolean enabled,
        Optional<ActionKey> key,
        Path journalDir,
        AllowList allow,
        int maxOutputBytes,
        Path xenConfigDir,
        Duration maxActionTime) {
    public static final Path JOURNAL_DIR = Path.of("/var/lib/vigil/executor");
    public static final int MAX_OUTPUT_BYTES = 4096;
    public static final Path XEN_CONFIG_DIR = Path.of("/etc/xen");
    public static final Duration MAX_ACTION_TIME = Duration.ofMinutes(10);

    public ExecutorSettings {
        key = Objects.requireNonNullElse(key, Optional.empty());
        Objects.requireNonNull(journalDir, "journalDir");
        Objects.requireNonNull(allow, "allow");
        Objects.requireNonNull(xenConfigDir, "xenConfigDir");
        Objects.requireNonNull(maxActionTime, "maxActionTime");
        if (enabled && key.isEmpty()) {
            throw new IllegalArgumentException("an enabled executor needs its key (key_file or key_env)");
        }
        if (maxOutputBytes < 256) {
            throw new IllegalArgumentException("maxOutputBytes: at least 256, was " + maxOutputBytes);
        }
    }

    /** The default: no executor. */
    public static ExecutorSettings disabled() {
        return new ExecutorSettings(
                false,
                Optional.empty(),
                JOURNAL_DIR,
                AllowList.NOTHING,
                MAX_OUTPUT_BYTES,
                XEN_CONFIG_DIR,
                MAX_ACTION_TIME);
    }
}
