package io.vigil.collectors.executor;

import io.vigil.events.ActionResult;
import io.vigil.events.DecodeException;
import io.vigil.events.Name;
import io.vigil.events.WireCodec;
import io.vigil.service.process.DirectoryLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's memory of action ids, on disk, so that no id runs twice: not after a Kafka
 * redelivery, not after the agent restarts. An id is written as started (and fsync'd) before its
 * command runs, and as finished with its result after; an id found started but never finished
 * was cut short by the agent's own death and is not run again.
 *
 * <p>One append-only file of lines, {@code S <millis> <id>} and {@code F <millis> <id> <result as
 * base64 JSON>}; a torn last line (the agent died mid-write) is skipped. Bounded: ids older than
 * {@link #KEEP} and, beyond {@link #MAX_ENTRIES}, the oldest ids are forgotten; the file is
 * rewritten without them (to a temporary file, then renamed) when it has grown to twice that.
 * The executor refuses an action whose deadline is more than half of {@link #KEEP} away, so a
 * forgotten id has long been stale when it could come again.
 */
public final class ActionJournal implements AutoCloseable {
    public static final Duration KEEP = Duration.ofDays(7);
    public static final int MAX_ENTRIES = 10_000;
    static final String FILE = "actions.journal";
    static final String LOCK_FILE = "actions.journal.lock";
    private static final Logger log = LoggerFactory.getLogger(ActionJournal.class);

    private final Path file;
    private final DirectoryLock lock;
    private final Clock clock;
    private final Duration keep;
    private final int maxEntries;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private FileChannel out;
    private boolean closed;
    private long lines;

    /** What the journal knows of an id: when it was first seen, and its result once there is one. */
    public record Entry(String id, Instant firstSeen, Optional<ActionResult> result) {
        public Entry {
            Objects.requireNonNull(firstSeen, "firstSeen");
            result = Objects.requireNonNullElse(result, Optional.empty());
        }
    }

    private ActionJournal(Path dir, DirectoryLock lock, Clock clock, Duration keep, int maxEntries) {
        this.file = dir.resolve(FILE);
        this.lock = lock;
        this.clock = clock;
        this.keep = keep;
        this.maxEntries = maxEntries;
    }

    /** Opens (creating if need be) the journal in {@code dir}; only one agent may hold a journal directory. */
    public static ActionJournal open(Path dir, Clock clock) throws IOException {
        return open(dir, clock, KEEP, MAX_ENTRIES);
    }

    static ActionJournal open(Path dir, Clock clock, Duration keep, int maxEntries) throws IOException {
        Files.createDirectories(dir);
        DirectoryLock lock = DirectoryLock.take(dir.resolve(LOCK_FILE), "executor journal");
        ActionJournal journal = new ActionJournal(dir, lock, clock, keep, maxEntries);
        try {
            journal.load();
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        journal.compactOrCarryOn();
        return journal;
    }

    public synchronized Optional<Entry> lookup(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /** Records, durably, that {@code id} is about to run. */
    public synchronized void started(String id) throws IOException {
        Name.check("id", id);
        Instant now = clock.instant();
        entries.put(id, new Entry(id, now, Optional.empty()));
        append("S " + now.toEpochMilli() + " " + id);
    }

    /** Records, durably, how {@code result}'s action ended. */
    public synchronized void finished(ActionResult result) throws IOException {
        Instant now = clock.instant();
        Entry before = entries.get(result.actionId());
        Instant firstSeen = before == null ? now : before.firstSeen();
        entries.put(result.actionId(), new Entry(result.actionId(), firstSeen, Optional.of(result)));
        append("F " + now.toEpochMilli() + " " + result.actionId() + " "
                + Base64.getUrlEncoder().withoutPadding().encodeToString(WireCodec.encode(result)));
    }

    /** How many ids it remembers. */
    public synchronized int size() {
        return entries.size();
    }

    private void append(String line) throws IOException {
        FileChannel channel = out();
        channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(false);
        lines++;
        forgetOld();
        if (lines > 2L * maxEntries) {
            compactOrCarryOn();
        }
    }

    /** The file to append to, opened again if a compaction left it closed; none once the journal is closed. */
    private FileChannel out() throws IOException {
        if (closed) {
            throw new IOException("the journal " + file + " is closed (the agent is stopping)");
        }
        if (out == null || !out.isOpen()) {
            out = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        return out;
    }

    /** Compacts; a failure only lets the file grow until the next try (what was appended is in it, and synced). */
    private void compactOrCarryOn() {
        try {
            compact();
        } catch (IOException | RuntimeException e) {
            log.warn(
                    "action journal {}: could not be rewritten smaller ({}); it keeps growing and is tried again at the next"
                            + " action; check the disk of the executor's journal_dir",
                    file,
                    e.toString());
        }
    }

    private void load() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
        int skipped = 0;
        for (String line : all) {
            if (!read(line)) {
                skipped++;
            }
        }
        if (skipped > 0) {
            log.warn(
                    "action journal {}: skipped {} unreadable line(s) (a line torn when the agent stopped mid-write is expected;"
                            + " more suggest the file was edited)",
                    file,
                    skipped);
        }
    }

    private boolean read(String line) {
        String[] parts = line.split(" ", -1);
        try {
            if (parts.length == 3 && parts[0].equals("S") && Name.isValid(parts[2])) {
                Instant at = Instant.ofEpochMilli(Long.parseLong(parts[1]));
                Entry before = entries.remove(parts[2]);
                entries.put(
                        parts[2],
                        new Entry(
                                parts[2],
                                before == null ? at : before.firstSeen(),
                                before == null ? Optional.empty() : before.result()));
                return true;
            }
            if (parts.length == 4 && parts[0].equals("F") && Name.isValid(parts[2])) {
                Instant at = Instant.ofEpochMilli(Long.parseLong(parts[1]));
                ActionResult result = WireCodec.decode(Base64.getUrlDecoder().decode(parts[3]), ActionResult.class);
                if (!result.actionId().equals(parts[2])) {
                    return false;
                }
                Entry before = entries.remove(parts[2]);
                entries.put(
                        parts[2], new Entry(parts[2], before == null ? at : before.firstSeen(), Optional.of(result)));
                return true;
            }
        } catch (DecodeException | IllegalArgumentException e) {
            return false;
        }
        return false;
    }

    /** Forgets ids past {@link #keep} and, oldest first, beyond {@link #maxEntries}. */
    private void forgetOld() {
        Instant horizon = clock.instant().minus(keep);
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry entry = it.next();
            if (entries.size() > maxEntries || entry.firstSeen().isBefore(horizon)) {
                it.remove();
            } else {
                break;
            }
        }
    }

    /**
     * Rewrites the file with only what is remembered: to a temporary file, fsync'd, then renamed
     * over it. Until the rename the file appended to stays as it was; after it, appends go to the
     * new file (reopened on the next append, also when the rename failed).
     */
    private void compact() throws IOException {
        forgetOld();
        Path tmp = file.resolveSibling(FILE + ".tmp");
        StringBuilder text = new StringBuilder();
        for (Entry entry : entries.values()) {
            text.append("S ")
                    .append(entry.firstSeen().toEpochMilli())
                    .append(' ')
                    .append(entry.id())
                    .append('\n');
            entry.result()
                    .ifPresent(result -> text.append("F ")
                            .append(entry.firstSeen().toEpochMilli())
                            .append(' ')
                            .append(entry.id())
                            .append(' ')
                            .append(Base64.getUrlEncoder().withoutPadding().encodeToString(WireCodec.encode(result)))
                            .append('\n'));
        }
        try (FileChannel channel = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        }
        if (out != null) {
            out.close(); // reopened by out(), on the new file or, if the rename fails, the old one
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(file.getParent());
        lines = entries.values().stream()
                .mapToLong(e -> e.result().isPresent() ? 2 : 1)
                .sum();
    }

    /** Makes the rename itself durable; a filesystem that cannot sync a directory is left as it is. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // not every filesystem lets a directory be opened for sync; the rename is still atomic
        }
    }

    /** Closes the file and lets another agent have the directory. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        try {
            if (out != null) {
                out.close();
            }
        } finally {
            lock.close();
        }
    }
}
