package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionSealsTest {
    private static final ActionSeal NODE_A = ActionSeal.ofKeyText("the-key-of-node-a-0123456789abcdef");
    private static final ActionSeal NODE_B = ActionSeal.ofKeyText("the-key-of-node-b-0123456789abcdef");
    private static final ActionSeals PER_NODE = new ActionSeals.PerNode(Map.of("node-a", NODE_A, "node-b", NODE_B));

    private static Action primary(String node) {
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
                Instant.parse("2026-12-04T10:00:00Z"),
                Instant.parse("2026-12-04T10:02:00Z"));
    }

    @Test
    void anActionIsSealedWithTheKeyOfTheNodeItIsAddressedToOnly() throws Exception {
        Action forB = primary("node-b");
        byte[] sealed = PER_NODE.seal(forB);
        assertEquals(forB, NODE_B.open(sealed));
        DecodeException e = assertThrows(DecodeException.class, () -> NODE_A.open(sealed));
        assertEquals("hmac", e.field(), "node-a's key does not open what node-b's agent runs");
        assertEquals(primary("node-a"), NODE_A.open(PER_NODE.seal(primary("node-a"))));
    }

    @Test
    void aNodeWithoutAKeyCannotBeSentAnAction() {
        assertEquals(Optional.empty(), PER_NODE.of("node-c"));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PER_NODE.seal(primary("node-c")));
        assertTrue(e.getMessage().contains("node-c"), e.getMessage());
    }

    @Test
    void aRecordOpensWithTheKeyOfTheNodeItIsFor() throws Exception {
        assertEquals(primary("node-b"), PER_NODE.open(NODE_B.seal(primary("node-b"))));
        DecodeException sealedByThePeer =
                assertThrows(DecodeException.class, () -> PER_NODE.open(NODE_A.seal(primary("node-b"))));
        assertEquals("hmac", sealedByThePeer.field());
        DecodeException keyless =
                assertThrows(DecodeException.class, () -> PER_NODE.open(NODE_A.seal(primary("node-c"))));
        assertTrue(keyless.getMessage().contains("node-c"), keyless.getMessage());
    }

    @Test
    void aSharedKeySealsForEveryNode() throws Exception {
        ActionSeals shared = new ActionSeals.Shared(NODE_A);
        assertEquals(primary("node-b"), NODE_A.open(shared.seal(primary("node-b"))));
        assertEquals(primary("node-c"), shared.open(shared.seal(primary("node-c"))));
    }
}
