package io.vigil.lab.dashboards;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the dashboard lint needs of a PromQL expression, read by a small lexer: each metric
 * selector with the function whose parentheses directly hold it and whether it carries a range,
 * and each range with its function. Not a parser: whether a query is valid is for a real
 * Prometheus to say ({@link DashboardsOnPrometheusTest} runs every query on one).
 */
record PromQuery(String expr, List<Selector> selectors, List<Range> ranges) {
    /** {@code metric{...}}, optionally {@code [range]}, directly inside {@code function(...)} (empty at top level or in bare parentheses). */
    record Selector(String metric, Optional<String> function, boolean ranged) {}

    /** {@code [duration]} as written (a Grafana variable included), and the function it is passed to. */
    record Range(String duration, Optional<String> function) {}

    private static final Set<String> AGGREGATIONS = Set.of(
            "sum",
            "min",
            "max",
            "avg",
            "group",
            "stddev",
            "stdvar",
            "count",
            "count_values",
            "bottomk",
            "topk",
            "quantile",
            "limitk",
            "limit_ratio");
    /** Keywords followed by a list of label names in parentheses. */
    private static final Set<String> LABEL_LISTS =
            Set.of("by", "without", "on", "ignoring", "group_left", "group_right");

    private static final Set<String> KEYWORDS = Set.of("bool", "and", "or", "unless", "offset", "atan2", "inf", "nan");
    private static final String LABELS = "#labels";
    private static final String BARE = "";

    static PromQuery read(String expr) {
        return new Lexer(expr).read();
    }

    private static final class Lexer {
        private final String s;
        private int i;
        private final Deque<String> parens = new ArrayDeque<>();
        private final List<Selector> selectors = new ArrayList<>();
        private final List<Range> ranges = new ArrayList<>();
        /** The selector just read, while its braces and range may follow. */
        private int open = -1;
        /** An aggregation whose parentheses come after its by/without list. */
        private String aggregation = BARE;
        /** A by/without/on/... keyword just read: its parentheses hold label names. */
        private boolean labelList;

        Lexer(String expr) {
            this.s = expr;
        }

        PromQuery read() {
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '"' || c == '\'' || c == '`') {
                    skipString(c);
                    open = -1;
                } else if (c == '{') {
                    skipBraces(); // label matchers: they belong to the selector before, if any
                } else if (c == '[') {
                    range();
                } else if (c == '(') {
                    i++;
                    if (labelList) {
                        parens.push(LABELS); // an aggregation's body comes after its by (...) list
                        labelList = false;
                    } else {
                        parens.push(aggregation);
                        aggregation = BARE;
                    }
                    open = -1;
                } else if (c == ')') {
                    i++;
                    if (!parens.isEmpty()) {
                        parens.pop();
                    }
                    open = -1;
                } else if (Character.isLetter(c) || c == '_' || c == ':') {
                    word();
                } else if (Character.isDigit(c) || c == '.') {
                    while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                        i++;
                    }
                    open = -1;
                } else {
                    i++; // an operator, a comma, a Grafana $variable's $
                    open = -1;
                }
            }
            return new PromQuery(s, List.copyOf(selectors), List.copyOf(ranges));
        }

        private void word() {
            int start = i;
            while (i < s.length()
                    && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == ':')) {
                i++;
            }
            String word = s.substring(start, i);
            boolean variable = start > 0 && s.charAt(start - 1) == '$';
            open = -1;
            if (variable || LABELS.equals(parens.peek())) {
                return; // a Grafana variable, or a label name in by (...)
            }
            if (LABEL_LISTS.contains(word)) {
                labelList = true;
            } else if (AGGREGATIONS.contains(word)) {
                aggregation = word;
            } else if (KEYWORDS.contains(word)) {
                return;
            } else if (nextIs('(')) {
                aggregation = word; // a function: its name is what its parentheses are
            } else {
                open = selectors.size();
                selectors.add(new Selector(word, function(), false));
            }
        }

        private void range() {
            int end = s.indexOf(']', i);
            end = end < 0 ? s.length() : end;
            String duration = s.substring(i + 1, end).strip();
            i = Math.min(end + 1, s.length());
            ranges.add(new Range(duration, function()));
            if (open >= 0) {
                Selector selector = selectors.get(open);
                selectors.set(open, new Selector(selector.metric(), selector.function(), true));
            }
            open = -1;
        }

        private Optional<String> function() {
            String top = parens.peek();
            return top == null || top.equals(BARE) ? Optional.empty() : Optional.of(top);
        }

        private boolean nextIs(char c) {
            int j = i;
            while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
                j++;
            }
            return j < s.length() && s.charAt(j) == c;
        }

        private void skipString(char quote) {
            i++;
            while (i < s.length() && s.charAt(i) != quote) {
                i += s.charAt(i) == '\\' && quote != '`' ? 2 : 1;
            }
            i++;
        }

        private void skipBraces() {
            i++;
            while (i < s.length() && s.charAt(i) != '}') {
                char c = s.charAt(i);
                if (c == '"' || c == '\'' || c == '`') {
                    skipString(c);
                } else {
                    i++;
                }
            }
            i++;
        }
    }
}
