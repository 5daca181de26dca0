package io.vigil.rules.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.types.StructType;
import dev.cel.runtime.CelEvaluationException;
import io.vigil.events.EventKind;
import io.vigil.rules.fixtures.Bodies;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExpressionCompilerTest {
    private final ExpressionCompiler drbd = ExpressionCompiler.forEvents(EventKind.DRBD);
    private final Object lost = CelValues.of(Bodies.diskLost("r0"));
    private final Bindings bindings =
            Bindings.event(lost, Optional.empty(), "node-a", "pair-1", "drbd", Map.of("site", "home"));

    @Test
    void everyKindsBodyIsATypeWithTheContractsFields() {
        for (EventKind kind : EventKind.values()) {
            StructType body = EventTypes.get().body(kind);
            assertEquals(
                    kind.bodyType().getRecordComponents().length,
                    body.fieldNames().size(),
                    kind.wire());
        }
        assertEquals("vigil.DrbdResource", EventTypes.get().body(EventKind.DRBD).name());
        assertTrue(
                EventTypes.get().findType("vigil.DrbdResource.DrbdPeerDevice").isPresent());
    }

    @Test
    void aConditionOverTheBodyRunsOnTheAgentsRecord() throws Exception {
        Expression lostDisk = drbd.condition(
                "body.role == 'Primary' && body.devices.exists(d, d.disk in ['Failed', 'Diskless'] && !d.client)");
        assertEquals(true, lostDisk.eval(bindings));
        Object healthy = CelValues.of(Bodies.healthyPrimary("r0"));
        assertEquals(
                false, lostDisk.eval(Bindings.event(healthy, Optional.empty(), "node-a", "pair-1", "drbd", Map.of())));
        assertEquals(
                true,
                drbd.condition("labels.site == 'home' && node == 'node-a' && cluster == 'pair-1'")
                        .eval(bindings));
        assertEquals(
                true,
                drbd.condition("body.connections[0].latency.roundTripSeconds < 1")
                        .eval(bindings),
                "a double compares with an int");
    }

    @Test
    void typeErrorsAreFoundWhenCompilingWithTheColumn() {
        ExpressionException unknownField =
                assertThrows(ExpressionException.class, () -> drbd.condition("body.rol == 'Primary'"));
        assertEquals("undefined field 'rol'", unknownField.problems().get(0).message());
        assertEquals(5, unknownField.problems().get(0).column());
        ExpressionException mismatch = assertThrows(ExpressionException.class, () -> drbd.condition("body.role == 3"));
        assertTrue(
                mismatch.problems()
                        .get(0)
                        .message()
                        .startsWith("found no matching overload for '_==_' applied to '(string, int)'"),
                mismatch.getMessage());
        ExpressionException notBool = assertThrows(ExpressionException.class, () -> drbd.condition("body.resource"));
        assertTrue(notBool.getMessage().contains("must be true or false, but gives string"), notBool.getMessage());
        assertThrows(ExpressionException.class, () -> drbd.condition("body.role == "));
        assertThrows(ExpressionException.class, () -> drbd.condition("   "));
        assertThrows(
                ExpressionException.class,
                () -> drbd.condition("absent_for > 3.0"),
                "absence variables are not in event rules");
        assertThrows(ExpressionException.class, () -> drbd.condition("it.disk == 'Failed'"), "no 'it' without each");
    }

    @Test
    void eachGivesTheItemItsElementType() throws Exception {
        Expression each = drbd.list("body.connections.map(c, c.peerDevices).filter(l, size(l) > 0).map(l, l[0])");
        ExpressionCompiler withItem = drbd.withItem(ExpressionCompiler.itemType(each));
        Expression condition = withItem.condition("it.replication == 'Established' && it.outOfSyncBytes == 0");
        Object items = each.eval(bindings);
        assertTrue(items instanceof List<?> l && l.size() == 1, String.valueOf(items));
        assertEquals(true, condition.eval(bindings.withItem(((List<?>) items).get(0))));
        assertThrows(ExpressionException.class, () -> withItem.condition("it.nope"));
        assertThrows(ExpressionException.class, () -> drbd.list("body.resource"));
    }

    @Test
    void anAbsentOptionalFieldIsTestedWithHasAndFailsWhenReadBlindly() throws Exception {
        Expression guarded = drbd.condition("has(body.promotionScore) && body.promotionScore > 10");
        assertEquals(false, guarded.eval(bindings));
        Expression blind = drbd.condition("body.promotionScore > 10");
        assertThrows(CelEvaluationException.class, () -> blind.eval(bindings));
    }

    @Test
    void prevIsFoundWhereItIsRead() throws Exception {
        assertTrue(ExpressionCompiler.forEvents(EventKind.DISK)
                .condition("body.reallocatedSectors > prev.reallocatedSectors")
                .readsPrev());
        assertFalse(drbd.condition("body.role == 'Primary'").readsPrev());
    }

    @Test
    void templatesRenderValuesAsPeopleReadThem() throws Exception {
        ExpressionCompiler disk = ExpressionCompiler.forEvents(EventKind.DISK);
        Object sda = CelValues.of(Bodies.disk("/dev/sda", false, 3992, 34.0));
        Bindings b = Bindings.event(sda, Optional.empty(), "node-a", "pair-1", "disk", Map.of());
        Template t = Template.compile(
                "{{node}}: {{body.device}} at {{body.temperatureCelsius}}°C, {{body.reallocatedSectors}} reallocated,"
                        + " flags {{body.flags}}, {{humanizeBytes(3221225472)}}, up {{humanizeDuration(5400.0)}}",
                disk);
        assertEquals(
                "node-a: /dev/sda at 34°C, 3992 reallocated, flags [disk-failing], 3.0 GiB, up 1h30m", t.render(b));
        ExpressionException unclosed =
                assertThrows(ExpressionException.class, () -> Template.compile("{{node} lost", disk));
        assertTrue(unclosed.getMessage().contains("never closed"), unclosed.getMessage());
        ExpressionException bad =
                assertThrows(ExpressionException.class, () -> Template.compile("at {{body.temp}}", disk));
        assertEquals(10, bad.problems().get(0).column(), bad.getMessage());
    }

    @Test
    void humanizedNumbers() {
        assertEquals("250ms", Humanize.duration(0.25));
        assertEquals("0s", Humanize.duration(0));
        assertEquals("45s", Humanize.duration(45));
        assertEquals("1d2h", Humanize.duration(93_600));
        assertEquals("34", Humanize.number(34.0));
        assertEquals("0.38", Humanize.number(0.375));
    }
}
