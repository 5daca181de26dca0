package io.vigil.rules.rule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rule pack of deploy/rules, as the build copies it into the jar: what the lab runs, so that
 * {@code ./vigil lab} pages on the same rules an installation starts with.
 */
public final class DefaultRulePack {
    /** The pack's files; a test holds this list equal to deploy/rules. */
    public static final List<String> FILES = List.of("disk.yaml", "drbd.yaml", "host.yaml", "lvm.yaml", "vm.yaml");

    private DefaultRulePack() {}

    public static RuleSet load() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String file : FILES) {
            try (InputStream in = DefaultRulePack.class.getResourceAsStream("/io/vigil/rules/pack/" + file)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "the default rule pack's " + file + " is not in the jar; rebuild with mvn package");
                }
                texts.put("deploy/rules/" + file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return RuleLoader.parse(texts);
        } catch (RuleLoadException e) {
            throw new IllegalStateException("the default rule pack does not load:\n" + e.getMessage(), e);
        }
    }
}
