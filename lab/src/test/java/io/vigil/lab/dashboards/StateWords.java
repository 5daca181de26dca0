package io.vigil.lab.dashboards;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A vocabulary a panel shows as words (DRBD's disk states, the failover's phases, OK / DEGRADED):
 * each word has a code and a colour. Grafana maps a number to a word, not a label to a word, so a
 * state set (one series per word, 1 for the current one) is turned into the current word's code by
 * PromQL, and the panel's value mappings turn the code back into the word. Codes start at 1: a state
 * none of these words names sums to 0, shown as {@code unknownWord}, never as a good state; no series
 * at all is NO DATA, in red.
 */
record StateWords(String label, List<Word> words, String unknownWord) {
    record Word(String word, int code, String color) {}

    static final String NO_DATA = "NO DATA";

    /** Words coded 1, 2, 3... in the order given, each with its colour ("word:colour"). */
    static StateWords of(String label, String unknownWord, String... wordsAndColours) {
        List<Word> words = new java.util.ArrayList<>();
        for (int i = 0; i < wordsAndColours.length; i++) {
            String[] parts = wordsAndColours[i].split(":");
            words.add(new Word(parts[0], i + 1, parts[1]));
        }
        return new StateWords(label, List.copyOf(words), unknownWord);
    }

    /** Words with their own codes ("code=word:colour"), for values a query computes rather than a state set. */
    static StateWords coded(String... codesWordsAndColours) {
        List<Word> words = java.util.Arrays.stream(codesWordsAndColours)
                .map(w -> {
                    String[] codeAndRest = w.split("=", 2);
                    String[] parts = codeAndRest[1].split(":");
                    return new Word(parts[0], Integer.parseInt(codeAndRest[0]), parts[1]);
                })
                .toList();
        return new StateWords("", words, "");
    }

    /**
     * The code of the current state of {@code metric}, one series per series of the state set with
     * the state label summed away: {@code sum without (state) (1 * m{sel,state="A"} or 2 * m{sel,state="B"} ...)}.
     */
    String codeOf(String metric, String selector) {
        String prefix = selector.isEmpty() ? "" : selector + ", ";
        return "sum without (" + label + ") ("
                + words.stream()
                        .map(w -> w.code() + " * " + metric + "{" + prefix + label + "=\"" + w.word() + "\"}")
                        .collect(Collectors.joining(" or "))
                + ")";
    }

    /** Grafana's value mappings: each code to its word and colour, 0 to the unknown word, no value to NO DATA in red. */
    ArrayNode mappings() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode options = json.objectNode();
        int index = 0;
        if (!unknownWord.isEmpty()) {
            options.set("0", result(unknownWord, "purple", index++));
        }
        for (Word word : words) {
            options.set(String.valueOf(word.code()), result(word.word(), word.color(), index++));
        }
        ArrayNode mappings = json.arrayNode();
        mappings.addObject().put("type", "value").set("options", options);
        ObjectNode special = mappings.addObject().put("type", "special");
        special.putObject("options").put("match", "null+nan").set("result", result(NO_DATA, "red", index));
        return mappings;
    }

    private static ObjectNode result(String text, String color, int index) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.put("text", text).put("color", color).put("index", index);
        return result;
    }
}
