package io.vigil.collectors.smart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.collectors.parse.ParseProblem;
import io.vigil.collectors.parse.ParseResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class SmartctlScanParserTest {
    @Test
    void readsDevicesWithTheirTypesAndRefusesTheUnsafeOnes() {
        ParseResult<SmartDevice> result = SmartctlScanParser.parse("scan", Fixtures.read("scan-open.json"));
        assertEquals(
                List.of(
                        SmartDevice.of("/dev/sda", "sat"),
                        SmartDevice.of("/dev/nvme0", "nvme"),
                        SmartDevice.of("/dev/bus/0", "sat+megaraid,1")),
                result.values());
        List<String> problems =
                result.problems().stream().map(ParseProblem::toString).toList();
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("could not open") && problems.get(0).contains("/dev/sdz"), problems.get(0));
        assertTrue(problems.get(1).contains("/dev/sdy; reboot"), problems.get(1));
        assertTrue(problems.get(2).contains("'-d' is not a smartctl -d type"), problems.get(2));
    }

    @Test
    void realScanWithNoDrivesIsCleanAndEmpty() {
        ParseResult<SmartDevice> result = SmartctlScanParser.parse("real", Fixtures.read("real-scan-open-none.json"));
        assertTrue(result.clean());
        assertTrue(result.values().isEmpty());
    }

    @Test
    void garbledScanNamesLineAndColumn() {
        ParseResult<SmartDevice> result = SmartctlScanParser.parse(
                "scan", "{\n  \"devices\": [\n    {\"name\": \"/dev/sda\" \"type\": \"sat\"}\n");
        assertEquals(3, result.problems().get(0).line());
        assertTrue(result.problems().get(0).message().contains("column"));
    }
}
