package io.vigil.service.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {
    @ParameterizedTest
    @CsvSource({
        "500ms,500",
        "10s,10000",
        "1m,60000",
        "1m30s,90000",
        "2h,7200000",
        "1h1m1s1ms,3661001",
        "1d,86400000",
        "1w,604800000",
        "0,0",
        "0s,0",
        " 5s ,5000"
    })
    void readsPrometheusDurations(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), DurationText.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10x", "10", "1.5s", "-1s", "s", "1m 30s", "10S", "1 m"})
    void refusesWhatIsNotADurationAndShowsHowToWriteOne(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
        assertEquals("'" + text + "' is not a duration (use 500ms, 10s, 1m)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"30s1m", "1s1s", "500ms1s"})
    void refusesUnitsOutOfOrder(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
        assertEquals("'" + text + "' is not a duration (units largest first, each once, as in 1m30s)", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999w", "9223372036854775807ms1ms"})
    void refusesDurationsThatOverflow(String text) {
        assertThrows(IllegalArgumentException.class, () -> DurationText.parse(text));
    }

    @ParameterizedTest
    @CsvSource({"90000,1m30s", "500,500ms", "0,0s", "3600000,1h", "93784005,1d2h3m4s5ms"})
    void formatsTheShortestTextThatReadsBack(long millis, String text) {
        assertEquals(text, DurationText.format(Duration.ofMillis(millis)));
        assertEquals(Duration.ofMillis(millis), DurationText.parse(text));
    }
}
