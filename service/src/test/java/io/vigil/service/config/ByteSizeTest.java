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

    @ParameterizedTest
    @CsvSource({
        "0,0 B",
        "1,1 B",
        "1023,1023 B",
        "512.5,512.5 B",
        "1024,1.0 KiB",
        "1536,1.5 KiB",
        "1023.999,1.0 KiB",
        "1048575,1.0 MiB",
        "1048523,1023.9 KiB",
        "1610612736,1.5 GiB",
        "1099511627776,1.0 TiB",
        "1125899906842624,1.0 PiB",
        "9223372036854775807,8.0 EiB",
        "-2048,-2.0 KiB",
        "-5,-5 B"
    })
    void writesBytesAsPeopleReadThemToOneDecimalOfTheLargestBinaryUnit(double bytes, String text) {
        assertEquals(text, ByteSize.human(bytes));
    }

    @Test
    void writesWhatIsNotANumberOfBytesAsItIsWithoutAUnit() {
        assertEquals("NaN", ByteSize.human(Double.NaN));
        assertEquals("Infinity", ByteSize.human(Double.POSITIVE_INFINITY));
    }
}
