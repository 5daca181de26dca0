package io.vigil.service.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree that remembers the line of every key and value, so a
 * config error can point at the line to fix. (Jackson's JsonNode forgets locations.)
 */
public final class YamlTree {
    private static final YAMLFactory YAML = new YAMLFactory();

    public sealed interface Node permits Scalar, Mapping, Sequence {
        int line();

        /** How the node reads in an error message ("a list", "a map", or the value itself). */
        String describe();
    }

    /** A leaf; {@code text} is empty for YAML's null ("key:" with nothing after it). */
    public record Scalar(String text, boolean isNull, int line) implements Node {
        @Override
        public String describe() {
            return isNull ? "nothing" : "'" + io.vigil.events.Name.printable(text) + "'";
        }
    }

    public record Entry(String key, int keyLine, Node value) {
    }

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

    private YamlTree() {
    }

    /** Reads the first document; duplicate keys are reported through {@code duplicates} (key path, line). */
    public static Node read(String text, List<ConfigProblem> duplicates) throws SyntaxError {
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Mapping.empty();
            }
            return node(parser, "", duplicates);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : Math.max(e.getLocation().getLineNr(), 0);
            return throwSyntax(line, e.getOriginalMessage());
        } catch (IOException e) {
            return throwSyntax(0, e.getMessage());
        }
    }

    private static Node throwSyntax(int line, String message) throws SyntaxError {
        String firstLine = message == null ? "unreadable" : message.strip().lines().findFirst().orElse("unreadable");
        throw new SyntaxError(line, "not valid YAML: " + firstLine);
    }

    private static Node node(JsonParser parser, String path, List<ConfigProblem> duplicates) throws IOException {
        int line = parser.currentTokenLocation().getLineNr();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                Map<String, Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    int keyLine = parser.currentTokenLocation().getLineNr();
                    String keyPath = path.isEmpty() ? key : path + "." + key;
                    parser.nextToken();
                    Node value = node(parser, keyPath, duplicates);
                    Entry previous = entries.putIfAbsent(key, new Entry(key, keyLine, value));
                    if (previous != null) {
                        duplicates.add(new ConfigProblem(keyLine, keyPath,
                                "given twice (first on line " + previous.keyLine() + ")"));
                    }
                }
                return new Mapping(Collections.unmodifiableMap(entries), line);
            }
            case START_ARRAY -> {
                List<Node> items = new ArrayList<>();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(parser, path + "[" + index++ + "]", duplicates));
                }
                return new Sequence(List.copyOf(items), line);
            }
            case VALUE_NULL -> {
                return new Scalar("", true, line);
            }
            default -> {
                return new Scalar(parser.getText(), false, line);
            }
        }
    }
}
