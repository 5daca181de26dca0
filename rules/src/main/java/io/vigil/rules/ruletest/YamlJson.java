package io.vigil.rules.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.service.config.YamlTree.Mapping;
import io.vigil.service.config.YamlTree.Node;
import io.vigil.service.config.YamlTree.Scalar;
import io.vigil.service.config.YamlTree.Sequence;
import java.math.BigDecimal;

/** A YAML node as the JSON it stands for, keeping YAML's types (a bare 0 is a number, "0" is text). */
final class YamlJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private YamlJson() {}

    static JsonNode of(Node node) {
        if (node instanceof Mapping m) {
            ObjectNode object = JSON.objectNode();
            m.entries().forEach((key, entry) -> object.set(key, of(entry.value())));
            return object;
        }
        if (node instanceof Sequence s) {
            ArrayNode array = JSON.arrayNode();
            s.items().forEach(item -> array.add(of(item)));
            return array;
        }
        Scalar scalar = (Scalar) node;
        return switch (scalar.type()) {
            case NULL -> JSON.nullNode();
            case BOOLEAN -> JSON.booleanNode(Boolean.parseBoolean(scalar.text()));
            case INTEGER -> JSON.numberNode(new BigDecimal(scalar.text()).longValueExact());
            case DECIMAL -> JSON.numberNode(Double.parseDouble(scalar.text()));
            case TEXT -> JSON.textNode(scalar.text());
        };
    }
}
