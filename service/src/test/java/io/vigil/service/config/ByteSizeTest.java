package io.vigil.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {
    @ParameterizedTest
    @CsvSource({
        "64MiB,67108864",
        "1GiB,1073741824",
        "1048576,1048576",
        "12B,12",
        "2KiB,2048",
        "1TiB,1099511627776",
        "500MB,500000000",
        "1kB,1000",
        "1 GiB,1073741824"
    })
    void readsBinaryDecimalAndPlainSizes(String text, long bytes) {
        assertEquals(bytes, ByteSize.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"64MB8", "1.5GiB", "-1", "64mib", "GiB", "lots"})
    void refusesWhatIsNotASize(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(text));
        assertEquals("'" + text + "' is not a size (use 64MiB, 1GiB or plain bytes)", e.getMessage());
    }

    @Test
    void refusesASizeThatOverflows() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("9999999999TiB"));
        assertEquals("'9999999999TiB' is too large a size", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"67108864,64MiB", "1572864,1536KiB", "100,100", "0,0", "1099511627776,1TiB"})
    void formatsWithTheLargestExactUnit(long bytes, String text) {
        assertEquals(text, ByteSize.format(bytes));
        assertEquals(bytes, ByteSize.parse(text));
    }
}
