package io.vigil.rules.ruletest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuleTestRunnerTest {
    private static Path resource(String name) throws URISyntaxException {
        return Path.of(RuleTestRunnerTest.class.getResource("/ruletest/" + name).toURI());
    }

    private static String run(String name) throws Exception {
        StringWriter out = new StringWriter();
        boolean passed = RuleTestRunner.run(List.of(resource(name)), new PrintWriter(out));
        assertFalse(passed, out.toString());
        return out.toString();
    }

    @Test
    void aFailingCaseIsPrintedAsExpectedVersusGot() throws Exception {
        String out = run("failing.yaml");
        assertTrue(
                out.contains("  FAIL  expects firing too early\n"
                        + "        at 30s, DiskTooHot (line 14):\n"
                        + "          expected: firing {device=\"/dev/sda\"}\n"
                        + "          got:      pending {alertname=\"DiskTooHot\", cluster=\"pair-1\", device=\"/dev/sda\", node=\"node-a\","
                        + " severity=\"warning\"} annotations {summary=\"/dev/sda at 60°C\"}\n"),
                out);
        assertFalse(out.contains("at 1m, DiskTooHot"), "the second expectation of the case holds: " + out);
        assertTrue(
                out.contains(
                        "failing.yaml:22: the disk event at 0s is not one an agent could send: body.exitStatus: required field is missing"),
                out);
        assertTrue(out.contains("failing.yaml:32: no rule named DiskTooCold"), out);
    }

    @Test
    void aRuleThatFailsAtRunTimeIsReportedInItsFailingCase() throws Exception {
        String out = run("failing.yaml");
        assertTrue(
                out.contains("  FAIL  a rule that fails at run time\n"
                        + "        at 20s, DiskWearingOut (line 43):\n"
                        + "          expected: firing {device=\"/dev/nvme0\"}\n"
                        + "          got:      (none)\n"
                        + "        DiskWearingOut could not be evaluated from 0s (3 times): "),
                out);
        assertTrue(
                out.lines().filter(l -> l.contains("could not be evaluated")).count() == 1,
                "only where it failed: " + out);
    }

    @Test
    void aBrokenTestFileIsReportedWithLinesAndRunsNothing() throws Exception {
        String out = run("broken.yaml");
        assertTrue(out.contains("broken.yaml:6: tests[0].input[0].kind: 'smart' is not a kind of event"), out);
        assertTrue(
                out.contains(
                        "broken.yaml:9: tests[0].input[0].values.temperatureCelsius: '60+abc' is not a value of promtool's notation"),
                out);
        assertFalse(out.contains("PASS"), out);
    }

    @Test
    void anExpectedEmptyLabelMatchesAnAlertWithoutThatLabel() throws Exception {
        StringWriter out = new StringWriter();
        boolean passed = RuleTestRunner.run(List.of(resource("empty-label.yaml")), new PrintWriter(out));
        assertTrue(passed, out.toString());
    }

    /** The same check as POST /api/silences: a silence whose every matcher matches the empty string mutes everything. */
    @Test
    void aSilenceThatWouldMuteEveryAlertIsRefusedWithItsLine() throws Exception {
        String out = run("silence-mutes-all.yaml");
        assertTrue(
                out.contains(
                        "silence-mutes-all.yaml:6: tests[0].silences[0].matchers: device_type=\"\", node=~\".*\" all match the empty"
                                + " string, so the silence would mute every alert; give at least one that does not"),
                out);
        assertTrue(out.contains("silence-mutes-all.yaml:7: tests[0].silences[1].matchers: give at least one"), out);
        assertFalse(out.contains("PASS"), out);
    }

    @Test
    void seriesFollowPromtoolsNotation() {
        assertEquals(List.of("0", "2", "4", "6"), text(ValueSeries.parse("0+2x3")));
        assertEquals(List.of("10", "9", "8"), text(ValueSeries.parse("10-1x2")));
        assertEquals(List.of("5", "5", "5", "_", "_", "1.5"), text(ValueSeries.parse("5x2 _x2 1.5")));
        assertEquals(
                List.of("1", "_", "_", "_", "2"),
                text(ValueSeries.parse("1 _x3 2")),
                "promtool: '1 _x3 stale' is '1 _ _ _ stale'");
        assertEquals(List.of("0.5", "1", "1.5"), text(ValueSeries.parse("0.5+0.5x2")));
        assertThrows(IllegalArgumentException.class, () -> ValueSeries.parse("up"));
        assertThrows(IllegalArgumentException.class, () -> ValueSeries.parse("1+1x1000000"));
        for (String huge : List.of("_x2000000000", "1 _x99999999999999999999", "0+1x99999 _x2")) {
            String message = assertThrows(IllegalArgumentException.class, () -> ValueSeries.parse(huge))
                    .getMessage();
            assertTrue(
                    message.endsWith(
                            "would make the series longer than 100000 values (start later with at:, or space the events"
                                    + " with every:)"),
                    message);
        }
    }

    private static List<String> text(List<Optional<JsonNode>> values) {
        return values.stream()
                .map(v -> v.map(JsonNode::asText)
                        .map(t -> t.endsWith(".0") ? t.substring(0, t.length() - 2) : t)
                        .orElse("_"))
                .toList();
    }
}
