package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vigil.events.Action;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionSeals;
import io.vigil.events.ActionType;
import io.vigil.events.DecodeException;
import io.vigil.rules.config.EngineConfig;
import io.vigil.service.topology.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** What the failover takes from the engine's config at start: each action sealed with its node's key, and a word about a shared one. */
class FailoverSetupTest {
    private static final ActionSeal NODE_A = ActionSeal.ofKeyText("the-action-key-of-node-a-0123456789abcdef");
    private static final ActionSeal NODE_B = ActionSeal.ofKeyText("the-action-key-of-node-b-0123456789abcdef");

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(FailoverProcessor.class);

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    private FailoverProcessor.FailoverSetup setup(ActionSeals seals) throws Exception {
        Path topology = Files.writeString(dir.resolve("topology.yaml"), EngineHarness.ONE_VM_TOPOLOGY);
        return FailoverProcessor.FailoverSetup.of(
                new EngineConfig.Failover(TopologyLoader.load(topology), seals),
                Duration.ofHours(1),
                Duration.ofHours(2));
    }

    private List<String> warnings() {
        return logged.list.stream()
                .filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void eachActionIsSealedWithTheKeyOfTheNodeWhoseAgentRunsIt() throws Exception {
        FailoverProcessor.FailoverSetup setup =
                setup(new ActionSeals.PerNode(Map.of("node-a", NODE_A, "node-b", NODE_B)));
        Action promote = promote("node-b");
        byte[] sealed = setup.seal(promote);
        assertEquals(promote, NODE_B.open(sealed));
        assertThrows(DecodeException.class, () -> NODE_A.open(sealed), "node-a's agent's key cannot make it");
        assertEquals(promote("node-a"), NODE_A.open(setup.seal(promote("node-a"))));
        assertEquals(List.of(), warnings(), "keys per node are the recommended setup");
    }

    @Test
    void aKeyEveryAgentSharesIsWarnedAboutOnceAtStart() throws Exception {
        FailoverProcessor.FailoverSetup setup = setup(new ActionSeals.Shared(NODE_A));
        assertEquals(promote("node-b"), NODE_A.open(setup.seal(promote("node-b"))));
        List<String> warnings = warnings();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(
                warnings.get(0).contains("every agent holds the same action key")
                        && warnings.get(0).contains("the other node")
                        && warnings.get(0).contains("key_dir"),
                warnings.get(0));
    }

    private static Action promote(String node) {
        Instant now = Instant.parse("2026-05-01T10:00:00Z");
        return new Action(
                "pair-1:r0:1:promote:" + node + ":1",
                "pair-1:r0:1",
                "pair-1",
                node,
                ActionType.DRBD_PRIMARY,
                Optional.of("r0"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                now,
                now.plusSeconds(60));
    }
}
