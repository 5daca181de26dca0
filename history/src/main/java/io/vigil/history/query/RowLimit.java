package io.vigil.history.query;

/** How many rows a listing returns: 1000 unless asked, never more than {@link #MAX}, so one request cannot pull a table into memory. */
public record RowLimit(int rows) {
    public static final int DEFAULT = 1_000;
    public static final int MAX = 10_000;
    public static final RowLimit STANDARD = new RowLimit(DEFAULT);

    public RowLimit {
        if (rows < 1 || rows > MAX) {
            throw new QueryRefused("limit", rows + " is outside 1 to " + MAX + " (narrow the range to see the rest)");
        }
    }
}
