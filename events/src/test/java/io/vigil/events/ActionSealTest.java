package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActionSealTest {
    private static final ActionSeal SEAL = ActionSeal.ofKeyText("0123456789abcdef0123456789abcdef\n");
    private static final Action ACTION = new Action(
            "pair-1:r0:1:promote:1",
            "pair-1:r0:1",
            "pair-1",
            "node-b",
            ActionType.DRBD_PRIMARY,
            Optional.of("r0"),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Instant.parse("2026-12-04T10:00:00Z"),
            Instant.parse("2026-12-04T10:02:00Z"));

    @Test
    void aSealedActionOpensToTheSameAction() throws Exception {
        assertEquals(ACTION, SEAL.open(SEAL.seal(ACTION)));
    }

    @Test
    void anActionWhoseTextWasAlteredIsRefused() {
        String sealed = new String(SEAL.seal(ACTION), StandardCharsets.UTF_8);
        String altered = sealed.replace("node-b", "node-a");
        assertTrue(!altered.equals(sealed));
        DecodeException e =
                assertThrows(DecodeException.class, () -> SEAL.open(altered.getBytes(StandardCharsets.UTF_8)));
        assertEquals("hmac", e.field());
    }

    @Test
    void anActionSealedWithAnotherKeyIsRefused() {
        ActionSeal other = ActionSeal.ofKeyText("fedcba9876543210fedcba9876543210");
        DecodeException e = assertThrows(DecodeException.class, () -> SEAL.open(other.seal(ACTION)));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void aForgedMacOrNoneIsRefused() {
        String sealed = new String(SEAL.seal(ACTION), StandardCharsets.UTF_8);
        String forged = sealed.replaceAll("\"hmac\":\"[0-9a-f]+\"", "\"hmac\":\"" + "00".repeat(32) + "\"");
        assertThrows(DecodeException.class, () -> SEAL.open(forged.getBytes(StandardCharsets.UTF_8)));
        String bare = sealed.replaceAll(",\"hmac\":\"[0-9a-f]+\"", "");
        DecodeException missing =
                assertThrows(DecodeException.class, () -> SEAL.open(bare.getBytes(StandardCharsets.UTF_8)));
        assertEquals("hmac", missing.field());
    }

    @Test
    void aKeyShorterThanThirtyTwoBytesIsRefusedSayingHowToMakeOne() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ActionSeal.ofKeyText("short-key\n"));
        assertTrue(e.getMessage().contains("9 bytes") && e.getMessage().contains("/dev/urandom"), e.getMessage());
    }

    @Test
    void theClaimedIdOfAnUnverifiedRecordNamesItsRefusal() {
        ActionSeal other = ActionSeal.ofKeyText("fedcba9876543210fedcba9876543210");
        assertEquals(
                Optional.of(new ActionSeal.Claimed(ACTION.id(), "node-b")), ActionSeal.claimed(other.seal(ACTION)));
        assertEquals(Optional.empty(), ActionSeal.claimed("not json".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), ActionSeal.claimed(new byte[0]));
    }
}
