package io.vigil.rules.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.events.Name;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A path into a body, {@code devices[0].disk}, to set one field of a test event. */
final class FieldPath {
    private static final Pattern PART = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)((?:\\[[0-9]+])*)");
    private static final Pattern INDEX = Pattern.compile("\\[([0-9]+)]");

    private FieldPath() {}

    /** Sets the field at {@code path}; the lists and objects on the way must exist (the base body has them). */
    static void set(ObjectNode body, String path, JsonNode value) {
        List<Object> steps = steps(path);
        JsonNode at = body;
        for (int i = 0; i < steps.size() - 1; i++) {
            at = step(at, steps.get(i), path);
        }
        Object last = steps.get(steps.size() - 1);
        if (last instanceof String field && at instanceof ObjectNode object) {
            object.set(field, value);
        } else if (last instanceof Integer index && at instanceof ArrayNode array && index < array.size()) {
            array.set(index, value);
        } else {
            throw new IllegalArgumentException("'" + Name.printable(path) + "' does not reach a field of the body");
        }
    }

    private static JsonNode step(JsonNode at, Object step, String path) {
        JsonNode next = step instanceof String field ? at.get(field) : at.get((Integer) step);
        if (next == null || !(next.isObject() || next.isArray())) {
            throw new IllegalArgumentException(
                    "'" + Name.printable(path) + "': the body has no " + step + " to go through (give it in body:)");
        }
        return next;
    }

    private static List<Object> steps(String path) {
        List<Object> steps = new ArrayList<>();
        for (String part : path.split("\\.", -1)) {
            Matcher m = PART.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "'" + Name.printable(path) + "' is not a field path (e.g. devices[0].disk)");
            }
            steps.add(m.group(1));
            Matcher index = INDEX.matcher(m.group(2));
            while (index.find()) {
                steps.add(Integer.parseInt(index.group(1)));
            }
        }
        return steps;
    }
}
