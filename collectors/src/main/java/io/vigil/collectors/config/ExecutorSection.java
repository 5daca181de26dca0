package io.vigil.collectors.config;

import io.vigil.collectors.executor.ActionKey;
import io.vigil.collectors.executor.AllowList;
import io.vigil.collectors.executor.ExecutorSettings;
import io.vigil.events.ActionType;
import io.vigil.events.Name;
import io.vigil.events.WireEnum;
import io.vigil.service.config.ByteSize;
import io.vigil.service.config.ConfigSection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the agent config's {@code executor:} section. When enabled it needs exactly one of
 * {@code key_file} and {@code key_env}, and the key is read at once, so a missing or short key is
 * a problem at start, with the file's name, rather than every action refused later.
 */
final class ExecutorSection {
    private static final int MAX_OUTPUT_LIMIT = 1 << 20;

    private ExecutorSection() {}

    static ExecutorSettings read(ConfigSection section, Map<String, String> env) {
        boolean enabled = section.bool("enabled", false);
        Optional<ActionKey> file =
                section.read("key_file", absolutePath("/etc/vigil/action.key")).map(ActionKey.File::new);
        Optional<ActionKey> variable =
                section.read("key_env", ExecutorSection::variableName).map(ActionKey.Env::new);
        Path journalDir =
                section.optional("journal_dir", ExecutorSettings.JOURNAL_DIR, absolutePath("/var/lib/vigil/executor"));
        int maxOutput =
                section.optional("max_output_bytes", ExecutorSettings.MAX_OUTPUT_BYTES, ExecutorSection::outputLimit);
        Path xenConfigDir =
                section.optional("xen_config_dir", ExecutorSettings.XEN_CONFIG_DIR, absolutePath("/etc/xen"));
        Duration maxActionTime = section.positiveDuration("max_action_time", ExecutorSettings.MAX_ACTION_TIME);
        AllowList allow = allow(section.section("allow"));
        section.rejectUnknownKeys();
        Optional<ActionKey> key = file.isPresent() ? file : variable;
        if (file.isPresent() && variable.isPresent()) {
            section.problem(section.lineOf("key_env"), section.path("key_env"), "give key_file or key_env, not both");
        } else if (enabled && key.isEmpty()) {
            section.problem(
                    section.lineOf("enabled"),
                    section.path("key_file"),
                    "missing: an enabled executor needs the key it shares"
                            + " with the engine, in key_file (e.g. /etc/vigil/action.key) or key_env (e.g. VIGIL_ACTION_KEY), never in this file");
        } else if (enabled) {
            checkKey(section, key.get(), env);
        }
        return new ExecutorSettings(
                enabled && key.isPresent(), key, journalDir, allow, maxOutput, xenConfigDir, maxActionTime);
    }

    private static void checkKey(ConfigSection section, ActionKey key, Map<String, String> env) {
        String keyName = key instanceof ActionKey.File ? "key_file" : "key_env";
        try {
            key.seal(env);
        } catch (IOException e) {
            section.problem(section.lineOf(keyName), section.path(keyName), "cannot read the key: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            section.problem(section.lineOf(keyName), section.path(keyName), key.describe() + ": " + e.getMessage());
        }
    }

    private static AllowList allow(ConfigSection allow) {
        Set<ActionType> actions = new LinkedHashSet<>(AgentConfigLoader.names(
                allow,
                "actions",
                text -> WireEnum.lookup(ActionType.class, text)
                        .orElseThrow(() -> new IllegalArgumentException(
                                "'" + Name.printable(text) + "' is not an action type (one of "
                                        + Arrays.stream(ActionType.values())
                                                .map(ActionType::wire)
                                                .toList() + ")"))));
        Set<String> resources = new LinkedHashSet<>(AgentConfigLoader.names(allow, "resources", ConfigSection.NAME));
        Set<String> vms = new LinkedHashSet<>(AgentConfigLoader.names(allow, "vms", ConfigSection.NAME));
        allow.rejectUnknownKeys();
        return new AllowList(
                actions.isEmpty() ? EnumSet.noneOf(ActionType.class) : EnumSet.copyOf(actions), resources, vms);
    }

    private static Function<String, Path> absolutePath(String example) {
        return text -> {
            Path path = Path.of(text);
            if (!path.isAbsolute()) {
                throw new IllegalArgumentException(
                        "'" + Name.printable(text) + "' is not an absolute path (e.g. " + example + ")");
            }
            return path;
        };
    }

    private static String variableName(String text) {
        if (!text.matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
            throw new IllegalArgumentException(
                    "'" + Name.printable(text) + "' is not an environment variable name (e.g. VIGIL_ACTION_KEY)");
        }
        return text;
    }

    private static int outputLimit(String text) {
        long bytes = ByteSize.parse(text);
        if (bytes < 256 || bytes > MAX_OUTPUT_LIMIT) {
            throw new IllegalArgumentException("'" + Name.printable(text)
                    + "' is outside 256 bytes to 1MiB (a result travels" + " in one telemetry record)");
        }
        return (int) bytes;
    }
}
