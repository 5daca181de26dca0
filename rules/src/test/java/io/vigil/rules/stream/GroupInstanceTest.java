package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupInstanceTest {
    @Test
    void anEngineKeepsItsGroupInstanceIdInItsStateDirectoryAcrossRestarts(@TempDir Path dir) {
        GroupInstance first = GroupInstance.of(dir.resolve("engine"));
        assertEquals(first, GroupInstance.of(dir.resolve("engine")), "the same state directory, the same member name");
        assertNotEquals(first, GroupInstance.of(dir.resolve("other")), "another instance, another name");
    }

    @Test
    void aDamagedIdFileIsReplacedByANewName(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(GroupInstance.FILE), "not/an id\n");
        GroupInstance made = GroupInstance.of(dir);
        assertEquals(made.id() + "\n", Files.readString(dir.resolve(GroupInstance.FILE)));
    }

    @Test
    void aStateDirectoryThatCannotBeMadeIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("engine"), "in the way\n");
        UncheckedIOException e =
                assertThrows(UncheckedIOException.class, () -> GroupInstance.of(dir.resolve("engine")));
        assertTrue(e.getMessage().contains(dir.resolve("engine").toString()), e.getMessage());
    }

    @Test
    void ownsItsOwnMembersAndItsStreamThreadsButNoOtherInstances() {
        GroupInstance instance = new GroupInstance("vigil-1234");
        assertTrue(instance.owns("vigil-1234"));
        assertTrue(instance.owns("vigil-1234-1"));
        assertTrue(instance.owns("vigil-1234-12"));
        assertFalse(instance.owns("vigil-12345-1"));
        assertFalse(instance.owns("vigil-1234-x"));
        assertFalse(instance.owns("vigil-1234-"));
        assertFalse(instance.owns("vigil-123"));
    }
}
