package io.vigil.collectors.executor;

import io.vigil.events.Name;
import io.vigil.service.log.LogThrottle;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per refusal, with the id, node and reason; a flood (a forger, a misconfigured
 * engine) is held to one line a minute per reason, saying how many were held back. The metrics
 * count them all.
 */
final class RefusalLog {
    static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

    private final Clock clock;
    private final Map<RefusalReason, LogThrottle> throttles = new EnumMap<>(RefusalReason.class);

    RefusalLog(Clock clock) {
        this.clock = clock;
    }

    void refused(String id, String node, RefusalReason reason, String why) {
        OptionalLong heldBack = throttles
                .computeIfAbsent(reason, r -> new LogThrottle(INTERVAL))
                .admit(clock.millis());
        if (heldBack.isEmpty()) {
            return;
        }
        String held = heldBack.getAsLong() == 0
                ? ""
                : " (" + heldBack.getAsLong() + " more refused for " + reason.word()
                        + " in the last minute; see vigil_agent_actions_refused_total)";
        log.warn(
                "action {} for {} refused ({}): {}{}",
                Name.printable(id),
                Name.printable(node),
                reason.word(),
                Name.printable(why, 500),
                held);
    }
}
