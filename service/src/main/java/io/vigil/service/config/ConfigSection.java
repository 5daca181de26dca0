package io.vigil.service.config;

import io.vigil.events.Name;
import io.vigil.events.WireEnum;
import io.vigil.service.config.YamlTree.Entry;
import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import io.vigil.service.config.YamlTree.Sequence;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One map of the config ("probes.smart") being read. Every read names the key it expects, so
 * that {@link #rejectUnknownKeys} can point at typos; a bad value becomes a problem at its line
 * and the default stands in, so reading goes on and every problem is reported at once.
 */
public final class ConfigSection {
    /** Reads a safe identifier (io.vigil.events.Name) with Name's own explanation. */
    public static final Function<String, String> NAME = text -> {
        try {
            return Name.check("name", text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().substring("name: ".length()));
        }
    };

    /** Reads a whole number from {@code min} to {@code max}, for {@link #read} and {@link #optional}. */
    public static Function<String, Integer> wholeNumber(int min, int max) {
        return text -> {
            try {
                int n = Integer.parseInt(text.strip());
                if (n < min || n > max) {
                    throw new IllegalArgumentException("must be " + min + " to " + max + ", was " + n);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + Name.printable(text) + "' is not a whole number");
            }
        };
    }

    /**
     * Reads a word of a closed vocabulary ({@link WireEnum}), the vocabulary named for the user
     * ("failover mode") where WireEnum.parse would name the Java type.
     */
    public static <E extends Enum<E> & WireEnum> Function<String, E> word(Class<E> type, String vocabulary) {
        return text -> WireEnum.lookup(type, text)
                .orElseThrow(() -> new IllegalArgumentException("'" + Name.printable(text)
                        + "' is not a " + vocabulary + " (one of "
                        + String.join(
                                ", ",
                                Arrays.stream(type.getEnumConstants())
                                        .map(WireEnum::wire)
                                        .toList())
                        + ")"));
    }

    private final String path;
    private final Mapping mapping;
    private final List<ConfigProblem> problems;
    private final Set<String> known = new LinkedHashSet<>();

    public ConfigSection(String path, Mapping mapping, List<ConfigProblem> problems) {
        this.path = path;
        this.mapping = mapping;
        this.problems = problems;
    }

    /** This map's own path ("probes.smart"; empty at the top). */
    public String path() {
        return path;
    }

    public String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public Mapping mapping() {
        return mapping;
    }

    /** The shared problem list, for sections nested in lists and free-keyed maps. */
    public List<ConfigProblem> problemsView() {
        return problems;
    }

    public void problem(int line, String keyPath, String message) {
        problems.add(new ConfigProblem(line, keyPath, message));
    }

    /** The key's entry; a YAML null ("key:" and nothing) counts as absent. */
    public Optional<Entry> entry(String key) {
        known.add(key);
        Entry entry = mapping.entries().get(key);
        if (entry == null || entry.value() instanceof Scalar s && s.isNull()) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /** The key's single value, or empty when absent or (reported) not a single value. */
    public Optional<Scalar> scalar(String key) {
        Optional<Entry> entry = entry(key);
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        Node value = entry.get().value();
        if (value instanceof Scalar s) {
            return Optional.of(s);
        }
        problem(value.line(), path(key), "expected a single value, not " + value.describe());
        return Optional.empty();
    }

    /** The key's value read by {@code reader}; on a bad value the problem is recorded and empty returned. */
    public <T> Optional<T> read(String key, Function<String, T> reader) {
        return scalar(key).flatMap(s -> convert(s, path(key), reader));
    }

    public <T> Optional<T> convert(Scalar scalar, String keyPath, Function<String, T> reader) {
        try {
            return Optional.of(reader.apply(scalar.text()));
        } catch (IllegalArgumentException e) {
            problem(scalar.line(), keyPath, e.getMessage());
            return Optional.empty();
        }
    }

    /** A key that must be there; {@code hint} says what it is, with an example. */
    public <T> Optional<T> required(String key, String hint, Function<String, T> reader) {
        if (entry(key).isEmpty()) {
            problem(0, path(key), "missing (" + hint + ")");
            return Optional.empty();
        }
        return read(key, reader);
    }

    public <T> T optional(String key, T fallback, Function<String, T> reader) {
        return read(key, reader).orElse(fallback);
    }

    public Duration duration(String key, Duration fallback) {
        return optional(key, fallback, DurationText::parse);
    }

    /** A positive duration: intervals and timeouts of zero would spin or never finish. */
    public Duration positiveDuration(String key, Duration fallback) {
        Optional<Scalar> scalar = scalar(key);
        if (scalar.isEmpty()) {
            return fallback;
        }
        Optional<Duration> value = convert(scalar.get(), path(key), DurationText::parse);
        if (value.isPresent() && value.get().isZero()) {
            problem(scalar.get().line(), path(key), "must be longer than 0 (use 500ms, 10s, 1m)");
            return fallback;
        }
        return value.orElse(fallback);
    }

    /** The line a value was given on, for problems found when comparing values. */
    public int lineOf(String key) {
        Entry entry = mapping.entries().get(key);
        return entry == null ? mapping.line() : entry.value().line();
    }

    public boolean bool(String key, boolean fallback) {
        return optional(key, fallback, text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("'" + Name.printable(text) + "' is not true or false");
        });
    }

    /** The map under {@code key}, or an empty one (all defaults) when absent or (reported) not a map. */
    public ConfigSection section(String key) {
        Optional<Entry> entry = entry(key);
        if (entry.isPresent() && entry.get().value() instanceof Mapping m) {
            return new ConfigSection(path(key), m, problems);
        }
        entry.ifPresent(e -> problem(
                e.value().line(),
                path(key),
                "expected a map (key: value), not " + e.value().describe()));
        return new ConfigSection(path(key), Mapping.empty(), problems);
    }

    /** The list under {@code key}; empty when absent or (reported) not a list. */
    public List<Node> list(String key) {
        Optional<Entry> entry = entry(key);
        if (entry.isEmpty()) {
            return List.of();
        }
        if (entry.get().value() instanceof Sequence s) {
            return s.items();
        }
        problem(
                entry.get().value().line(),
                path(key),
                "expected a list ([a, b]), not " + entry.get().value().describe());
        return List.of();
    }

    /**
     * Kafka client properties under {@code key}, passed through as given (key: value); each must be
     * a single value, and {@code bootstrap.servers} must be there.
     */
    public Map<String, Object> clientProperties(String key) {
        ConfigSection kafka = section(key);
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Entry entry : kafka.mapping().entries().values()) {
            if (entry.value() instanceof Scalar s && !s.isNull()) {
                properties.put(entry.key(), s.text());
            } else {
                kafka.problem(
                        entry.value().line(),
                        kafka.path(entry.key()),
                        "expected a single value (Kafka client properties are key: value), not "
                                + entry.value().describe());
            }
        }
        if (!kafka.mapping().entries().containsKey("bootstrap.servers")) {
            kafka.problem(
                    0,
                    kafka.path("bootstrap.servers"),
                    "missing (the Kafka brokers, e.g. \"10.0.0.5:9092,10.0.0.6:9092\")");
        }
        return properties;
    }

    /** Every key of this map that no read asked for is a problem, with the nearest known key offered. */
    public void rejectUnknownKeys() {
        for (Entry entry : mapping.entries().values()) {
            if (!known.contains(entry.key())) {
                String suggestion = nearest(entry.key())
                        .map(k -> " (did you mean '" + k + "'?)")
                        .orElse(" (known here: " + String.join(", ", known) + ")");
                problem(entry.keyLine(), path(entry.key()), "unknown key" + suggestion);
            }
        }
    }

    private Optional<String> nearest(String key) {
        return known.stream()
                .min(Comparator.comparingInt(k -> distance(k, key)))
                .filter(k -> distance(k, key) <= Math.max(2, k.length() / 3));
    }

    /** Levenshtein distance, case-insensitive: "Interval" and "intervall" are both near "interval". */
    static int distance(String a, String b) {
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[y.length()];
    }
}
