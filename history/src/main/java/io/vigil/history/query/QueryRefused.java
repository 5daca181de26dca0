package io.vigil.history.query;

/**
 * A question the history will not run as asked, naming the parameter at fault and what to do:
 * the API answers it as 400, the CLI as the flag's error. Nothing was read from the database.
 */
public final class QueryRefused extends IllegalArgumentException {
    private final String parameter;

    public QueryRefused(String parameter, String problem) {
        super(parameter + ": " + problem);
        this.parameter = parameter;
    }

    /** {@code value} when it is a valid name (a cluster, resource, peer): the tables hold nothing else. */
    public static String name(String parameter, String value) {
        if (!io.vigil.events.Name.isValid(value)) {
            throw new QueryRefused(
                    parameter,
                    "'" + io.vigil.events.Name.printable(value)
                            + "' is not a valid name (letters, digits and _ . + : -, not starting with '-' or '.', at most 128)");
        }
        return value;
    }

    /** The query parameter at fault ("step", "from", "resource"). */
    public String parameter() {
        return parameter;
    }
}
