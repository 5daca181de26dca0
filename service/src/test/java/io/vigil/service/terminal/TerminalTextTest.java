package io.vigil.service.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class TerminalTextTest {
    @Test
    void showsControlCharactersInsteadOfSendingThem() {
        assertEquals(
                "\\x1b[2J\\x1b]0;owned\\x07 disk gone\\x0a\\x9b31m \\u202eevil",
                TerminalText.of("\u001b[2J\u001b]0;owned\u0007 disk gone\n\u009b31m \u202eevil"));
    }

    @Test
    void leavesOrdinaryTextAloneWhateverItsLength() {
        String summary = "node-a lost the disk under r0 (volume 0 is Failed); 35°C, ünïcode, ".repeat(3);
        assertSame(summary, TerminalText.of(summary));
    }
}
