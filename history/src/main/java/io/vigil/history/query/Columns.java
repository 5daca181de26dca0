package io.vigil.history.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Reading nullable columns as Optional (NULL is unknown in these tables, never 0), and cutting a listing at its limit. */
final class Columns {
    private Columns() {}

    static Optional<Long> optionalLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    static Optional<Double> optionalDouble(ResultSet rs, int column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(value);
    }

    static Optional<String> optionalString(ResultSet rs, int column) throws SQLException {
        return Optional.ofNullable(rs.getString(column));
    }

    /** Rows read with one over the limit: the extra one only says there were more. */
    static <T> Rows<T> limited(List<T> rows, RowLimit limit) {
        boolean truncated = rows.size() > limit.rows();
        return new Rows<>(truncated ? rows.subList(0, limit.rows()) : rows, truncated, limit.rows());
    }
}
