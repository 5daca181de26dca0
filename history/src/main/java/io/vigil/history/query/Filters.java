package io.vigil.history.query;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The equality filters a listing was asked for, as {@code AND column = ?} clauses and their bound values: no value is ever spliced into SQL. */
final class Filters {
    private final StringBuilder sql = new StringBuilder();
    private final List<String> values = new ArrayList<>();

    Filters equal(String column, Optional<String> value) {
        value.ifPresent(v -> {
            sql.append(" AND ").append(column).append(" = ?");
            values.add(v);
        });
        return this;
    }

    String sql() {
        return sql.toString();
    }

    /** Binds the values from parameter {@code i}; returns the next parameter's index. */
    int bind(PreparedStatement s, int i) throws SQLException {
        for (String v : values) {
            s.setString(i++, v);
        }
        return i;
    }
}
