package io.vigil.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTextTest {
    @Test
    void readsUtf8TextWhateverItsCharacters(@TempDir Path dir) throws Exception {
        String text = "comment: \"naïve café, ✓, 🚀\"\n";
        Path file = Files.writeString(dir.resolve("a.yaml"), text, StandardCharsets.UTF_8);
        assertEquals(text, ConfigText.read(file));
    }

    @Test
    void namesTheLineByteAndOffsetOfTheFirstByteThatIsNotUtf8() {
        ConfigException latin = assertThrows(
                ConfigException.class,
                () -> ConfigText.decode("a.yaml", "a: 1\nb: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(
                "a.yaml:2: not UTF-8 text: byte 0xE9 at byte offset 11 (column 7); save the file as UTF-8",
                latin.getMessage());
        // a character cut short by the end of the file
        byte[] rocket = "x: 🚀".getBytes(StandardCharsets.UTF_8);
        byte[] cut = java.util.Arrays.copyOf(rocket, rocket.length - 1);
        ConfigException truncated = assertThrows(ConfigException.class, () -> ConfigText.decode("b.yaml", cut));
        assertEquals(
                "b.yaml:1: not UTF-8 text: byte 0xF0 at byte offset 3 (column 4); save the file as UTF-8",
                truncated.getMessage());
    }

    @Test
    void aDirectoryIsAProblemAndAMissingFileStaysOneForTheCaller(@TempDir Path dir) {
        ConfigException directory = assertThrows(ConfigException.class, () -> ConfigText.read(dir));
        assertEquals(dir + ": is a directory, not a config file (give the file itself)", directory.getMessage());
        assertThrows(NoSuchFileException.class, () -> ConfigText.read(dir.resolve("nope.yaml")));
    }
}
