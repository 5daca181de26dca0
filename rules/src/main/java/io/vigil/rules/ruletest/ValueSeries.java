package io.vigil.rules.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vigil.events.Name;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A series of values in promtool's notation, space-separated: {@code 7} a value; {@code 0+2x3}
 * 0, 2, 4, 6 (a start, a step, and how many steps); {@code 10-1x2} 10, 9, 8; {@code 5x2} 5, 5, 5;
 * {@code _} no event at that step; {@code _x3} none for three steps (a gap has no start to step
 * from, so promtool makes N of them, not N + 1). Whole numbers stay whole, so they fit integer
 * fields.
 */
final class ValueSeries {
    private static final Pattern EXPAND = Pattern.compile("(-?[0-9.]+)(?:([+-])([0-9.]+))?x([0-9]+)");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(?:\\.[0-9]+)?");
    private static final Pattern GAPS = Pattern.compile("_(?:x([0-9]+))?");
    private static final int MAX_VALUES = 100_000;

    private ValueSeries() {}

    static List<Optional<JsonNode>> parse(String text) {
        List<Optional<JsonNode>> values = new ArrayList<>();
        for (String token : text.strip().split("\\s+")) {
            if (token.isEmpty()) {
                continue;
            }
            Matcher gaps = GAPS.matcher(token);
            Matcher expand = EXPAND.matcher(token);
            if (gaps.matches()) {
                int count = gaps.group(1) == null ? 1 : repeat(gaps.group(1), 0, values.size(), token);
                for (int i = 0; i < count; i++) {
                    values.add(Optional.empty());
                }
            } else if (expand.matches()) {
                BigDecimal start = number(expand.group(1), token);
                BigDecimal step = expand.group(2) == null ? BigDecimal.ZERO : number(expand.group(3), token);
                if ("-".equals(expand.group(2))) {
                    step = step.negate();
                }
                int steps = repeat(expand.group(4), 1, values.size(), token);
                for (int i = 0; i <= steps; i++) {
                    values.add(Optional.of(node(start.add(step.multiply(BigDecimal.valueOf(i))))));
                }
            } else if (NUMBER.matcher(token).matches()) {
                values.add(Optional.of(node(number(token, token))));
            } else {
                throw new IllegalArgumentException(
                        "'" + Name.printable(token) + "' is not a value of promtool's notation"
                                + " (7, 0+2x3, 10-1x2, 5x2, _ or _x3); for words, give a list: [Primary, Secondary]");
            }
            if (values.size() > MAX_VALUES) {
                throw new IllegalArgumentException("more than " + MAX_VALUES + " values in one series");
            }
        }
        return values;
    }

    /**
     * The N of {@code xN}, checked before anything is expanded: {@code extra} more values than N
     * are to come, after the {@code have} already there.
     */
    private static int repeat(String digits, int extra, int have, String token) {
        BigInteger n = new BigInteger(digits);
        if (n.add(BigInteger.valueOf((long) extra + have)).compareTo(BigInteger.valueOf(MAX_VALUES)) > 0) {
            throw new IllegalArgumentException("'" + Name.printable(token) + "' would make the series longer than "
                    + MAX_VALUES + " values (start later with at:, or space the events with every:)");
        }
        return n.intValueExact();
    }

    private static BigDecimal number(String text, String token) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + Name.printable(token) + "' has a number that is not one: " + text);
        }
    }

    private static JsonNode node(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        if (stripped.scale() <= 0) {
            return JsonNodeFactory.instance.numberNode(stripped.longValueExact());
        }
        return JsonNodeFactory.instance.numberNode(stripped.doubleValue());
    }
}
