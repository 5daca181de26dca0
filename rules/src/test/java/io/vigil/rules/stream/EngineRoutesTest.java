package io.vigil.rules.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.service.http.HttpEndpoint.Reply;
import io.vigil.service.http.HttpEndpoint.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The routes a process adds to the engine's API (the history's): beside the engine's, never in place of them. */
class EngineRoutesTest {
    private static final Route ANY = request -> Reply.text(200, "");
    private static final Map<String, Route> OWN = Map.of("/api/alerts", ANY, "/api/silences/", ANY);

    @Test
    void addedRoutesAreServedBesideTheEnginesOwn() {
        assertEquals(
                List.of("/api/alerts", "/api/history/resyncs", "/api/silences/"),
                Engine.withExtraRoutes(OWN, Map.of("/api/history/resyncs", ANY)).keySet().stream()
                        .sorted()
                        .toList());
    }

    @Test
    void anAddedRouteCannotTakeAPathTheEngineAnswers() {
        for (String path : List.of("/api/alerts", "/api/silences/abc", "/metrics", "/history")) {
            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class, () -> Engine.withExtraRoutes(OWN, Map.of(path, ANY)), path);
            assertTrue(refused.getMessage().contains(path), refused.getMessage());
        }
    }
}
