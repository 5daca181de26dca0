package io.vigil.collectors.publish;

import io.vigil.service.process.DirectoryLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded, on-disk queue of encoded envelopes waiting for Kafka's acknowledgement, kept in
 * append-only segment files so that it survives an agent restart and replays in the order it
 * was written.
 *
 * <p>Each record is framed as {@code [int length][long seq][int crc32c(seq, payload)][payload]}.
 * On open every segment is scanned; a torn or corrupt record (a crash in the middle of a write)
 * ends its segment: it is reported once, the file is truncated there, and every record before it
 * is kept. Records leave the queue from the front only: acknowledged ({@link #removeThrough}), or
 * dropped to make room when the bound is reached, oldest first, so the newest facts about a host
 * are the last to go. Where the front is persists in a small {@code head} file, written by
 * {@link #checkpoint()}, so a restarted agent does not send again what Kafka already has.
 *
 * <p>The bound counts the records still queued (payload and framing); the disk may hold up to one
 * segment more, the already-removed front of the oldest segment, until that segment is deleted.
 */
public final class Spool implements AutoCloseable {
    /** Where the spool lives and how much it may queue, in bytes. */
    public record Settings(Path dir, long maxBytes) {
        public static final long MIN_BYTES = 16 * 1024;

        public Settings {
            Objects.requireNonNull(dir, "spool.dir");
            if (maxBytes < MIN_BYTES) {
                throw new IllegalArgumentException(
                        "spool.max_bytes: must be at least " + MIN_BYTES + " bytes, was " + maxBytes);
            }
        }
    }

    /** One queued record: the envelope's seq and its encoded bytes. */
    public record Entry(long seq, byte[] payload) {}

    static final int HEADER_BYTES = 16;
    private static final Logger log = LoggerFactory.getLogger(Spool.class);
    private static final Pattern SEGMENT_NAME = Pattern.compile("(\\d{20})\\.seg");
    private static final String HEAD_FILE = "head";
    private static final long MAX_SEGMENT_BYTES = 4L * 1024 * 1024;

    private final Settings settings;
    private final long segmentBytes;
    private final DirectoryLock lock;
    private final Deque<Segment> segments = new ArrayDeque<>();
    private Segment active;
    private long liveRecords;
    private long liveBytes;
    private long lastSeq = -1;
    private long removedThrough = -1;
    private long checkpointedThrough = -1;
    private long dropped;
    private boolean unflushed;
    private boolean headUnsynced;

    private Spool(Settings settings, DirectoryLock lock) {
        this.settings = settings;
        this.segmentBytes = Math.max(4096, Math.min(MAX_SEGMENT_BYTES, settings.maxBytes() / 16));
        this.lock = lock;
    }

    /**
     * Opens (or creates) the spool in {@code settings.dir()}, reading what a previous run left.
     * Only one process may hold a spool directory.
     */
    public static Spool open(Settings settings) throws IOException {
        Path dir = settings.dir();
        Files.createDirectories(dir);
        Spool spool = new Spool(settings, DirectoryLock.take(dir.resolve("lock"), "spool"));
        try {
            spool.load();
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    public Path dir() {
        return settings.dir();
    }

    /**
     * Queues one record. {@code seq} must be above every seq appended before. When the bound is
     * reached the oldest records are dropped first; returns how many were dropped for this one.
     *
     * @throws IllegalArgumentException when the record alone is larger than the bound, or seq does not increase
     */
    public synchronized int append(long seq, byte[] payload) throws IOException {
        if (payload.length == 0) {
            throw new IllegalArgumentException("seq " + seq + ": empty record");
        }
        long size = HEADER_BYTES + (long) payload.length;
        if (size > settings.maxBytes()) {
            throw new IllegalArgumentException("seq " + seq + ": record of " + size
                    + " bytes is larger than the spool (" + settings.maxBytes() + " bytes)");
        }
        if (seq <= lastSeq) {
            throw new IllegalArgumentException("seq " + seq + " does not follow " + lastSeq);
        }
        int droppedNow = 0;
        while (liveBytes + size > settings.maxBytes()) {
            removeFirst();
            droppedNow++;
        }
        dropped += droppedNow;
        if (active == null || (active.size > 0 && active.size + size > segmentBytes)) {
            roll(seq);
        }
        ByteBuffer record = frame(seq, payload);
        long position = active.size;
        while (record.hasRemaining()) {
            active.channel.write(record, position + record.position());
        }
        active.add(seq, position, size);
        liveRecords++;
        liveBytes += size;
        lastSeq = seq;
        unflushed = true;
        return droppedNow;
    }

    /** Up to {@code maxRecords} queued records with a seq above {@code afterSeq}, in order; at least one if any. */
    public synchronized List<Entry> readAfter(long afterSeq, int maxRecords, long maxBytes) throws IOException {
        List<Entry> entries = new ArrayList<>();
        long bytes = 0;
        for (Segment segment : segments) {
            if (segment.isEmpty() || segment.lastSeq() <= afterSeq) {
                continue;
            }
            for (int i = segment.indexAfter(afterSeq); i < segment.count; i++) {
                int size = segment.recordSize(i);
                if (entries.size() >= maxRecords || (!entries.isEmpty() && bytes + size > maxBytes)) {
                    return entries;
                }
                entries.add(new Entry(segment.seqs[i], segment.readPayload(i)));
                bytes += size;
            }
        }
        return entries;
    }

    /** Removes every queued record with a seq up to and including {@code seq} (Kafka has them). */
    public synchronized void removeThrough(long seq) throws IOException {
        while (liveRecords > 0 && firstLive().firstSeq() <= seq) {
            removeFirst();
        }
        removedThrough = Math.max(removedThrough, seq);
    }

    /**
     * Writes where the front is, so that a restarted agent does not send again what Kafka has;
     * cheap (no fsync), call it after each acknowledgement. Survives a crash of the agent, not of
     * the host: {@link #sync()} is for that.
     */
    public synchronized void checkpoint() throws IOException {
        if (removedThrough == checkpointedThrough) {
            return;
        }
        Path tmp = dir().resolve(HEAD_FILE + ".tmp");
        Files.writeString(tmp, "removed-through " + removedThrough + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(
                    tmp, dir().resolve(HEAD_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dir().resolve(HEAD_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        checkpointedThrough = removedThrough;
        headUnsynced = true;
    }

    /**
     * Makes the appended records and the checkpointed front durable against a host crash. The
     * fsync runs outside the spool's lock, so appends go on meanwhile.
     */
    public void sync() throws IOException {
        FileChannel toForce;
        boolean head;
        synchronized (this) {
            toForce = unflushed && active != null ? active.channel : null;
            unflushed = false;
            head = headUnsynced;
            headUnsynced = false;
        }
        if (toForce != null) {
            try {
                toForce.force(false);
            } catch (ClosedChannelException e) {
                // the segment was consumed and deleted meanwhile: nothing left to make durable
            }
        }
        if (head) {
            try (FileChannel channel = FileChannel.open(dir().resolve(HEAD_FILE), StandardOpenOption.WRITE)) {
                channel.force(true);
            } catch (NoSuchFileException e) {
                // not written yet
            }
        }
    }

    /** Records queued. */
    public synchronized long events() {
        return liveRecords;
    }

    /** Bytes queued, framing included: what counts against {@link Settings#maxBytes()}. */
    public synchronized long bytes() {
        return liveBytes;
    }

    /** Records dropped to make room since this spool was opened. */
    public synchronized long dropped() {
        return dropped;
    }

    /** The highest seq ever appended here, also by an earlier run, if the spool still knows it. */
    public synchronized OptionalLong lastSeq() {
        return lastSeq < 0 ? OptionalLong.empty() : OptionalLong.of(lastSeq);
    }

    /** The seq of the oldest queued record. */
    public synchronized OptionalLong firstSeq() {
        return liveRecords == 0
                ? OptionalLong.empty()
                : OptionalLong.of(firstLive().firstSeq());
    }

    @Override
    public synchronized void close() {
        try {
            checkpoint();
            sync();
        } catch (IOException e) {
            log.warn("spool {}: cannot write its checkpoint on close: {}", dir(), e.toString());
        }
        for (Segment segment : segments) {
            segment.closeQuietly();
        }
        segments.clear();
        active = null;
        try {
            lock.close();
        } catch (IOException e) {
            log.debug("spool {}: releasing the lock: {}", dir(), e.toString());
        }
    }

    private Segment firstLive() {
        for (Segment segment : segments) {
            if (!segment.isEmpty()) {
                return segment;
            }
        }
        throw new IllegalStateException("no live record");
    }

    private void removeFirst() throws IOException {
        Segment segment = firstLive();
        long size = segment.recordSize(segment.first);
        removedThrough = Math.max(removedThrough, segment.seqs[segment.first]);
        segment.first++;
        liveRecords--;
        liveBytes -= size;
        // a fully consumed segment goes; the one being written stays until the next roll
        while (!segments.isEmpty() && segments.peekFirst().isEmpty() && segments.peekFirst() != active) {
            segments.pollFirst().delete();
        }
    }

    private void roll(long firstSeq) throws IOException {
        if (active != null && active.isEmpty()) {
            segments.remove(active);
            active.delete();
        }
        Path file = dir().resolve(String.format("%020d.seg", firstSeq));
        FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        active = new Segment(file, channel);
        segments.addLast(active);
    }

    private static ByteBuffer frame(long seq, byte[] payload) {
        ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        buffer.putInt(payload.length)
                .putLong(seq)
                .putInt(checksum(seq, payload, 0, payload.length))
                .put(payload);
        return buffer.flip();
    }

    private static int checksum(long seq, byte[] payload, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(Long.BYTES).putLong(0, seq));
        crc.update(payload, offset, length);
        return (int) crc.getValue();
    }

    private void load() throws IOException {
        removedThrough = readHead();
        checkpointedThrough = removedThrough;
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir(), "*.seg")) {
            listing.forEach(files::add);
        }
        files.sort(null);
        for (Path file : files) {
            if (!SEGMENT_NAME.matcher(file.getFileName().toString()).matches()) {
                log.warn("spool {}: ignoring {}, not a segment name", dir(), file.getFileName());
                continue;
            }
            Segment segment = scan(file);
            lastSeq = Math.max(lastSeq, segment.lastSeq());
            while (!segment.isEmpty() && segment.seqs[segment.first] <= removedThrough) {
                segment.first++;
            }
            if (segment.isEmpty()) {
                segment.delete();
                continue;
            }
            for (int i = segment.first; i < segment.count; i++) {
                liveRecords++;
                liveBytes += segment.recordSize(i);
            }
            segments.addLast(segment);
        }
        lastSeq = Math.max(lastSeq, removedThrough);
        if (liveRecords > 0) {
            log.info(
                    "spool {}: {} events ({} bytes) from an earlier run wait for Kafka, seq {} to {}",
                    dir(),
                    liveRecords,
                    liveBytes,
                    firstLive().firstSeq(),
                    lastSeq);
        }
        // Older records than the bound allows (the bound was lowered) go now, oldest first.
        while (liveBytes > settings.maxBytes()) {
            removeFirst();
            dropped++;
        }
    }

    private long readHead() {
        Path head = dir().resolve(HEAD_FILE);
        try {
            String text = Files.readString(head, StandardCharsets.US_ASCII).strip();
            Matcher m = Pattern.compile("removed-through (-?\\d{1,19})").matcher(text);
            if (m.matches()) {
                return Long.parseLong(m.group(1));
            }
            log.warn(
                    "spool {}: head file {} is unreadable ('{}'); every spooled event will be sent again",
                    dir(),
                    head,
                    text.length() > 40 ? text.substring(0, 40) : text);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException | NumberFormatException e) {
            log.warn("spool {}: cannot read {}: {}; every spooled event will be sent again", dir(), head, e.toString());
        }
        return -1;
    }

    /** Reads a segment's records; a torn or corrupt record ends it, is reported once and cut off. */
    private Segment scan(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Segment segment = new Segment(file, channel);
        long fileSize = channel.size();
        long position = 0;
        long previous = lastSeq;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        String problem = null;
        while (position < fileSize) {
            if (fileSize - position < HEADER_BYTES) {
                problem = "a record header is cut short";
                break;
            }
            header.clear();
            readFully(channel, header, position);
            int length = header.getInt(0);
            long seq = header.getLong(4);
            int crc = header.getInt(12);
            if (length <= 0 || length > fileSize - position - HEADER_BYTES) {
                problem = "record length " + length + " does not fit the file";
                break;
            }
            if (seq <= previous) {
                problem = "seq " + seq + " does not follow " + previous;
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(channel, payload, position + HEADER_BYTES);
            if (checksum(seq, payload.array(), 0, length) != crc) {
                problem = "checksum mismatch for seq " + seq;
                break;
            }
            segment.add(seq, position, HEADER_BYTES + (long) length);
            previous = seq;
            position += HEADER_BYTES + length;
        }
        if (problem != null) {
            log.warn(
                    "spool {}: {} is damaged at byte {} of {} ({}; a write torn by a crash?): keeping the {} records before it,"
                            + " cutting off the rest",
                    dir(),
                    file.getFileName(),
                    position,
                    fileSize,
                    problem,
                    segment.count);
            channel.truncate(position);
            channel.force(true);
        }
        return segment;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /** One segment file and the index of its records; records before {@code first} are gone. */
    private static final class Segment {
        final Path file;
        final FileChannel channel;
        long[] seqs = new long[64];
        long[] offsets = new long[64];
        int count;
        int first;
        long size;

        Segment(Path file, FileChannel channel) {
            this.file = file;
            this.channel = channel;
        }

        void add(long seq, long offset, long recordSize) {
            if (count == seqs.length) {
                seqs = Arrays.copyOf(seqs, count * 2);
                offsets = Arrays.copyOf(offsets, count * 2);
            }
            seqs[count] = seq;
            offsets[count] = offset;
            count++;
            size = offset + recordSize;
        }

        boolean isEmpty() {
            return first >= count;
        }

        long firstSeq() {
            return seqs[first];
        }

        long lastSeq() {
            return count == 0 ? -1 : seqs[count - 1];
        }

        int recordSize(int i) {
            long end = i + 1 < count ? offsets[i + 1] : size;
            return (int) (end - offsets[i]);
        }

        /** Index of the first live record with a seq above {@code seq}. */
        int indexAfter(long seq) {
            int i = Arrays.binarySearch(seqs, first, count, seq);
            return i >= 0 ? i + 1 : -i - 1;
        }

        byte[] readPayload(int i) throws IOException {
            ByteBuffer payload = ByteBuffer.allocate(recordSize(i) - HEADER_BYTES);
            readFully(channel, payload, offsets[i] + HEADER_BYTES);
            return payload.array();
        }

        void delete() throws IOException {
            closeQuietly();
            Files.deleteIfExists(file);
        }

        void closeQuietly() {
            try {
                channel.close();
            } catch (IOException e) {
                log.debug("closing {}: {}", file, e.toString());
            }
        }
    }
}
