package io.vigil.collectors.publish;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out this node's envelope seqs, strictly increasing across agent restarts. Seqs are
 * reserved in blocks: before the first seq of a block is used, the block's end is written and
 * synced to a {@code seq} file, so one fsync covers {@link #BLOCK} events. A restarted agent
 * starts at the last reserved end, a jump of at most one block above the last seq it used.
 */
final class SeqReservation {
    static final long BLOCK = 1000;
    static final String FILE = "seq";
    private static final Logger log = LoggerFactory.getLogger(SeqReservation.class);
    private static final Pattern CONTENT = Pattern.compile("reserved-below (\\d{1,19})");

    private final Path file;
    private long next;
    private long reservedBelow;

    private SeqReservation(Path file, long next) {
        this.file = file;
        this.next = next;
        this.reservedBelow = next;
    }

    /** @param spooledLast the highest seq the spool holds, a floor should the seq file be lost */
    static SeqReservation open(Path dir, OptionalLong spooledLast) {
        Path file = dir.resolve(FILE);
        long floor = spooledLast.isPresent() ? spooledLast.getAsLong() + 1 : 0;
        long start = floor;
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            Matcher m = CONTENT.matcher(text);
            if (m.matches()) {
                start = Math.max(floor, Long.parseLong(m.group(1)));
            } else {
                start = afterLoss(file, floor, "unreadable content");
            }
        } catch (NoSuchFileException e) {
            // a new agent: seqs start at the floor
        } catch (IOException | NumberFormatException e) {
            start = afterLoss(file, floor, e.toString());
        }
        return new SeqReservation(file, start);
    }

    /** The next seq; reserves (and syncs) a new block first when the current one is used up. */
    synchronized long next() throws IOException {
        if (next >= reservedBelow) {
            reserve(next + BLOCK);
        }
        return next++;
    }

    private void reserve(long below) throws IOException {
        Path tmp = file.resolveSibling(FILE + ".tmp");
        Files.writeString(tmp, "reserved-below " + below + "\n", StandardCharsets.US_ASCII);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        reservedBelow = below;
    }

    /**
     * The seq file is gone or damaged: seqs this node already published are unknown. Start above
     * the wall clock in microseconds, which is above any seq a node can have used at a sane rate.
     */
    private static long afterLoss(Path file, long floor, String why) {
        long clockFloor = System.currentTimeMillis() * 1000;
        long start = Math.max(floor, clockFloor);
        log.warn("seq file {} is unreadable ({}); continuing at seq {} so that seqs still increase", file, why, start);
        return start;
    }
}
