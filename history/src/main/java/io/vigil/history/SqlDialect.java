package io.vigil.history;

/** Where DuckDB's SQL and PostgreSQL's differ, for the statements the history runs on both. */
public enum SqlDialect {
    DUCKDB,
    POSTGRESQL;

    /** The continuous quantile {@code q} (0 to 1) of {@code column} in an aggregate. */
    public String quantile(double q, String column) {
        return switch (this) {
            case DUCKDB -> "quantile_cont(" + column + ", " + q + ")";
            case POSTGRESQL -> "percentile_cont(" + q + ") WITHIN GROUP (ORDER BY " + column + ")";
        };
    }
}
