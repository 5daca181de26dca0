package io.vigil.service.config;

import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One config file being read: its top-level map and every problem found so far. Readers take
 * what they need from {@link #top()} and call {@link #finish()}, which reports every problem at
 * once, sorted by line, so an operator fixes the file in one round rather than one per restart.
 */
public final class ConfigDocument {
    private final String source;
    private final List<ConfigProblem> problems;
    private final ConfigSection top;

    private ConfigDocument(String source, List<ConfigProblem> problems, ConfigSection top) {
        this.source = source;
        this.problems = problems;
        this.top = top;
    }

    /**
     * Reads YAML text whose top level must be a map; {@code topHint} names its usual keys for the
     * message when it is not ("cluster:, node:, kafka:, ..."). Text that is not YAML at all fails at once.
     */
    public static ConfigDocument parse(String source, String text, String topHint) throws ConfigException {
        List<ConfigProblem> problems = new ArrayList<>();
        Node root;
        try {
            root = YamlTree.read(text, problems);
        } catch (YamlTree.SyntaxError e) {
            throw new ConfigException(source, List.of(new ConfigProblem(e.line(), "", e.getMessage())));
        }
        if (!(root instanceof Mapping mapping)) {
            throw new ConfigException(
                    source,
                    List.of(new ConfigProblem(
                            root.line(), "", "expected a map of settings (" + topHint + "), not " + root.describe())));
        }
        return new ConfigDocument(source, problems, new ConfigSection("", mapping, problems));
    }

    public ConfigSection top() {
        return top;
    }

    public String source() {
        return source;
    }

    /** Throws with every problem found, by line (missing keys, which have none, last); returns when there were none. */
    public void finish() throws ConfigException {
        top.rejectUnknownKeys();
        if (!problems.isEmpty()) {
            List<ConfigProblem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()));
            throw new ConfigException(source, sorted);
        }
    }
}
