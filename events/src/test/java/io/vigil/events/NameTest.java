package io.vigil.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NameTest {
    @ParameterizedTest
    @ValueSource(strings = {"r0", "node-a", "pair-1", "vg_data", "web.example", "drbd:r0", "lv+thin"})
    void acceptsNamesTheToolsUse(String name) {
        assertEquals(name, Name.check("resource", name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-r0", "r0 r1", "r0;reboot", "$(id)", "../etc", "a/b", ".hidden", "r0\n", "`x`"})
    void refusesNamesThatCouldBeReadAsSomethingElse(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Name.check("resource", name));
        assertTrue(e.getMessage().startsWith("resource: "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dev/sda", "/dev/nvme0n1", "/dev/bus/0", "/dev/disk/by-id/ata-ST4000_Z1Z3"})
    void acceptsDevicePaths(String device) {
        assertEquals(device, Name.checkDevice("device", device));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dev/../etc/passwd", "/etc/passwd", "/dev/sda; reboot", "sda"})
    void refusesOtherPaths(String device) {
        assertThrows(IllegalArgumentException.class, () -> Name.checkDevice("device", device));
    }

    @org.junit.jupiter.api.Test
    void showsControlCharactersInErrors() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Name.check("vm", "a\u001b[2Jb"));
        assertTrue(e.getMessage().contains("\\x1b"), e.getMessage());
    }
}
