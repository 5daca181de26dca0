package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.events.LabelMatcher;
import io.vigil.events.MatchOp;
import io.vigil.events.Silence;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class StoredSilencesTest {
    private static final Instant NOW = Instant.parse("2026-12-01T03:00:00Z");
    private final SilenceTable table = new SilenceTable();
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(StoredSilences.class);

    static Silence silence(String id, LabelMatcher matcher, Instant endsAt) {
        return new Silence(
                id,
                List.of(matcher),
                endsAt.minus(Duration.ofHours(1)),
                endsAt,
                "ops",
                "test",
                Optional.empty(),
                endsAt.minus(Duration.ofHours(1)));
    }

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    @Test
    void aForgedSilenceWithTheHeapExhaustingRegexIsSkippedWithOneLogLineAndTheOthersKept() {
        // written to the topic directly, past the API: the record is a well-formed silence
        table.put(silence(
                "forged-1",
                new LabelMatcher("node", MatchOp.REGEX, "((a{100}){100}){1000}"),
                NOW.plus(Duration.ofHours(1))));
        table.put(silence("good-1", LabelMatcher.parse("node=node-a"), NOW.plus(Duration.ofHours(1))));
        StoredSilences api = new StoredSilences(() -> table, NOW::toEpochMilli);
        StoredSilences task = new StoredSilences(() -> table, NOW::toEpochMilli);
        List<Silence> read = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> List.copyOf(api.get()));
        assertEquals(List.of("good-1"), read.stream().map(Silence::id).toList());
        assertEquals(List.of("good-1"), task.get().stream().map(Silence::id).toList());
        List<String> lines = logged.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .filter(l -> l.contains("forged-1"))
                .toList();
        assertEquals(1, lines.size(), "one line for the engine, not one per reader: " + lines);
        assertTrue(
                lines.get(0)
                        .startsWith(
                                "silence forged-1 on vigil.silences cannot be read and is ignored: node=~\"((a{100}){100}){1000}\":"
                                        + " the regular expression for label node repeats a part 10000000 times"),
                lines.get(0));
    }

    @Test
    void silencesExpiredLongerThanTheRetentionAreNoLongerListedButLeftForTheReaper() {
        // Alertmanager keeps an expired silence for its data retention, 120 hours unless told otherwise, then forgets
        // it
        table.put(silence("long-gone", LabelMatcher.parse("node=node-a"), NOW.minus(Duration.ofHours(120))));
        table.put(silence("just-expired", LabelMatcher.parse("node=node-a"), NOW.minus(Duration.ofHours(119))));
        table.put(silence("active", LabelMatcher.parse("node=node-a"), NOW.plus(Duration.ofHours(1))));
        StoredSilences stored = new StoredSilences(() -> table, NOW::toEpochMilli);
        assertEquals(
                List.of("active", "just-expired"),
                stored.get().stream().map(Silence::id).sorted().toList());
        assertEquals(List.of("long-gone"), stored.pastRetention());
    }
}
