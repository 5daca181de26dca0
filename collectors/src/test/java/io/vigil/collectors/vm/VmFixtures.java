package io.vigil.collectors.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The VM fixtures in src/test/resources/vm (see the README there for which are real). */
final class VmFixtures {
    private VmFixtures() {}

    static String read(String name) {
        try (InputStream in = VmFixtures.class.getResourceAsStream("/vm/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture vm/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
