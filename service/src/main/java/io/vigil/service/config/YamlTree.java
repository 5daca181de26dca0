package io.vigil.service.config;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree that remembers the line of every key and value, so a
 * config error can point at the line to fix. (Jackson's JsonNode forgets locations, and Jackson
 * leaves anchors and aliases to its caller: they are resolved here.)
 */
public final class YamlTree {
    private static final YAMLFactory YAML = new YAMLFactory();
    /**
     * The most nodes a document may stand for with its aliases expanded. Aliases are shared here,
     * but whoever walks the tree (a rule test's input, turned into JSON) expands them, and ten
     * nested anchors of ten aliases each make a few hundred bytes stand for 10^10 nodes.
     */
    static final long MAX_NODES = 100_000;

    public sealed interface Node permits Scalar, Mapping, Sequence {
        int line();

        /** How the node reads in an error message ("a list", "a map", or the value itself). */
        String describe();
    }

    /** How YAML typed a leaf: {@code "0"} quoted is text, {@code 0} bare is an integer. */
    public enum ScalarType {
        TEXT,
        INTEGER,
        DECIMAL,
        BOOLEAN,
        NULL
    }

    /** A leaf; {@code text} is empty for YAML's null ("key:" with nothing after it). */
    public record Scalar(String text, boolean isNull, int line, ScalarType type) implements Node {
        public Scalar(String text, boolean isNull, int line) {
            this(text, isNull, line, isNull ? ScalarType.NULL : ScalarType.TEXT);
        }

        @Override
        public String describe() {
            return isNull ? "nothing" : "'" + io.vigil.events.Name.printable(text) + "'";
        }
    }

    public record Entry(String key, int keyLine, Node value) {}

    public record Mapping(Map<String, Entry> entries, int line) implements Node {
        public static Mapping empty() {
            return new Mapping(Map.of(), 0);
        }

        @Override
        public String describe() {
            return "a map";
        }
    }

    public record Sequence(List<Node> items, int line) implements Node {
        @Override
        public String describe() {
            return "a list";
        }
    }

    /** Thrown for text that is not YAML at all, with the line the parser stopped at. */
    public static final class SyntaxError extends Exception {
        private final int line;

        SyntaxError(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    private YamlTree() {}

    /** Reads the first document; duplicate keys are reported through {@code duplicates} (key path, line). */
    public static Node read(String text, List<ConfigProblem> duplicates) throws SyntaxError {
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Mapping.empty();
            }
            return node((YAMLParser) parser, "", new Reading(duplicates));
        } catch (TooLarge e) {
            throw new SyntaxError(e.line, e.getMessage());
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : Math.max(e.getLocation().getLineNr(), 0);
            return throwSyntax(line, e.getOriginalMessage());
        } catch (IOException e) {
            return throwSyntax(0, e.getMessage());
        }
    }

    private static void merge(Node value, List<Mapping> into) throws IOException {
        if (value instanceof Mapping m) {
            into.add(m);
        } else {
            for (Node item : ((Sequence) value).items()) {
                if (!(item instanceof Mapping m)) {
                    throw new IOException("a merge key (<<) takes a map or a list of maps, not " + item.describe());
                }
                into.add(m);
            }
        }
    }

    private static Node throwSyntax(int line, String message) throws SyntaxError {
        String firstLine = message == null
                ? "unreadable"
                : message.strip().lines().findFirst().orElse("unreadable");
        throw new SyntaxError(line, "not valid YAML: " + firstLine);
    }

    /**
     * What one read collects: problems, the nodes anchored so far ({@code &name}) for aliases
     * ({@code *name}) with the number of nodes each stands for, and the number of nodes the
     * document stands for so far, each alias counting as its anchor's nodes.
     */
    private static final class Reading {
        private final List<ConfigProblem> duplicates;
        private final Map<String, Anchored> anchors = new HashMap<>();
        private long nodes;

        Reading(List<ConfigProblem> duplicates) {
            this.duplicates = duplicates;
        }

        /** Counts {@code more} nodes at {@code line}; refuses a document that stands for too many. */
        void count(long more, int line) throws TooLarge {
            nodes += more;
            if (nodes > MAX_NODES) {
                throw new TooLarge(
                        line,
                        "the document stands for more than " + MAX_NODES + " values once its aliases are"
                                + " expanded (at line " + line
                                + "); write the values out, or use fewer nested aliases");
            }
        }
    }

    private record Anchored(Node node, long nodes) {}

    /** A document that would expand to too many nodes; a syntax error at its line for the caller. */
    private static final class TooLarge extends IOException {
        private final int line;

        TooLarge(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    /**
     * One node. Anchors and aliases are resolved ({@code *name} stands for the node anchored
     * {@code &name} earlier), and a merge key ({@code <<: *name}) puts the anchored map's entries
     * into the map, under the keys given beside it, as YAML 1.1 describes.
     */
    private static Node node(YAMLParser parser, String path, Reading reading) throws IOException {
        if (parser.isCurrentAlias()) {
            String alias = parser.getText();
            Anchored anchored = reading.anchors.get(alias);
            if (anchored == null) {
                throw new JsonParseException(
                        parser, "alias *" + alias + " names no anchor (&" + alias + ") given before it");
            }
            reading.count(anchored.nodes(), parser.currentTokenLocation().getLineNr());
            return anchored.node();
        }
        String anchor = parser.getObjectId();
        long before = reading.nodes;
        Node node = plainNode(parser, path, reading);
        if (anchor != null) {
            reading.anchors.put(anchor, new Anchored(node, reading.nodes - before));
        }
        return node;
    }

    private static Node plainNode(YAMLParser parser, String path, Reading reading) throws IOException {
        List<ConfigProblem> duplicates = reading.duplicates;
        int line = parser.currentTokenLocation().getLineNr();
        reading.count(1, line);
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                List<Mapping> merged = new ArrayList<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    parser.nextToken();
                    Node value = node(parser, keyPath, reading);
                    if (key.equals("<<") && (value instanceof Mapping || value instanceof Sequence)) {
                        merge(value, merged);
                        continue;
                    }
                    Entry previous = entries.putIfAbsent(key, new Entry(key, keyLine, value));
                    if (previous != null) {
                        duplicates.add(new ConfigProblem(
                                keyLine, keyPath, "given twice (first on line " + previous.keyLine() + ")"));
                    }
                }
                for (Mapping m : merged) {
                    m.entries().forEach(entries::putIfAbsent);
                }
                return new Mapping(Collections.unmodifiableMap(entries), line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser, path + "[" + index++ + "]", reading));
                }
                return new Sequence(List.copyOf(items), line);
            }
            case VALUE_NULL -> {
                return new Scalar("", true, line, ScalarType.NULL);
            }
            default -> {
                ScalarType type = switch (token) {
                    case VALUE_NUMBER_INT -> ScalarType.INTEGER;
                    case VALUE_NUMBER_FLOAT -> ScalarType.DECIMAL;
                    case VALUE_TRUE, VALUE_FALSE -> ScalarType.BOOLEAN;
                    default -> ScalarType.TEXT;
                };
                return new Scalar(parser.getText(), false, line, type);
            }
        }
    }
}
