package io.vigil.rules.stream;

/**
 * A setting the engine relies on, found lower on an existing topic than the engine creates it
 * with (a topic made by hand or by an older Vigil): what the operator is told, and how to fix it.
 */
record TopicShortfall(String topic, String key, long found, long wanted, String why) {
    /** The warning: the topic, the value found, the value wanted, and the command that sets it. */
    String warning(Object bootstrap) {
        return "topic " + topic + " has " + key + "=" + found + ", less than the " + wanted + " the engine wants ("
                + why
                + "); set it with: kafka-configs.sh --bootstrap-server " + bootstrap
                + " --alter --entity-type topics --entity-name "
                + topic + " --add-config " + key + "=" + wanted;
    }
}
