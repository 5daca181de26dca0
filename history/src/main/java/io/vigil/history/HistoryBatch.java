package io.vigil.history;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one batch of records adds to the history, written in one transaction: the rows per table,
 * the marks (each node's last stored seq), the next offset per partition and the resync episodes
 * that began or moved. Either all of it is stored or none.
 */
public final class HistoryBatch {
    private final Map<HistoryTable, List<Object[]>> rows = new EnumMap<>(HistoryTable.class);
    private final Map<NodeKey, Long> marks = new LinkedHashMap<>();
    private final Map<Partition, Long> offsets = new LinkedHashMap<>();
    private final Map<String, ResyncEpisode> episodes = new LinkedHashMap<>();

    public void add(HistoryTable table, Object[] row) {
        if (row.length != table.columns()) {
            throw new IllegalArgumentException(
                    table.table() + ": a row of " + row.length + " values, the table has " + table.columns());
        }
        rows.computeIfAbsent(table, t -> new ArrayList<>()).add(row);
    }

    public void mark(NodeKey node, long seq) {
        marks.merge(node, seq, Math::max);
    }

    /** The record at {@code offset} has been read: the partition resumes after it. */
    public void read(Partition partition, long offset) {
        offsets.merge(partition, offset + 1, Math::max);
    }

    public void episode(ResyncEpisode episode) {
        episodes.put(episode.id(), episode);
    }

    public Map<HistoryTable, List<Object[]>> rows() {
        return rows;
    }

    public int rowCount(HistoryTable table) {
        return rows.getOrDefault(table, List.of()).size();
    }

    public Map<NodeKey, Long> marks() {
        return marks;
    }

    public Map<Partition, Long> offsets() {
        return offsets;
    }

    public Map<String, ResyncEpisode> episodes() {
        return episodes;
    }
}
