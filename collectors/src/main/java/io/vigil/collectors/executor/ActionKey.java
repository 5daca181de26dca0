package io.vigil.collectors.executor;

import io.vigil.events.ActionSeal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Where the key shared with the engine is kept: a file or an environment variable, never the
 * agent's config itself (which is often world-readable and copied around).
 */
public sealed interface ActionKey {
    /** How config problems and logs name it: "key_file /etc/vigil/action.key", "key_env VIGIL_ACTION_KEY". */
    String describe();

    /** The key's text as written (ActionSeal strips surrounding whitespace). */
    String read(Map<String, String> env) throws IOException;

    /** The seal made with this key; throws IllegalArgumentException when the key is shorter than {@link ActionSeal#MIN_KEY_BYTES}. */
    default ActionSeal seal(Map<String, String> env) throws IOException {
        return ActionSeal.ofKeyText(read(env));
    }

    record File(Path path) implements ActionKey {
        /** A key file is a few dozen bytes; a bigger one is a mistake (a wrong path), not a key. */
        private static final int MAX_BYTES = 4096;

        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String describe() {
            return "key_file " + path;
        }

        @Override
        public String read(Map<String, String> env) throws IOException {
            try (InputStream in = Files.newInputStream(path)) {
                byte[] bytes = in.readNBytes(MAX_BYTES + 1);
                if (bytes.length > MAX_BYTES) {
                    throw new IOException(path + " is larger than " + MAX_BYTES + " bytes: not a key file");
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
    }

    record Env(String variable) implements ActionKey {
        public Env {
            Objects.requireNonNull(variable, "variable");
        }

        @Override
        public String describe() {
            return "key_env " + variable;
        }

        @Override
        public String read(Map<String, String> env) throws IOException {
            String value = env.get(variable);
            if (value == null) {
                throw new IOException("environment variable " + variable + " is not set");
            }
            return value;
        }
    }
}
