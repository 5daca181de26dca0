package io.vigil.collectors.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ProducerSettingsTest {
    @Test
    void vigilsGuaranteesWinAndTheUserIsToldWhatWasOverridden() {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger(ProducerSettings.class);
        logger.addAppender(logs);
        try {
            Map<String, Object> config = ProducerSettings.merge(
                    "node-a",
                    Map.of(
                            "bootstrap.servers", "10.0.0.9:9092",
                            "acks", "1",
                            "enable.idempotence", false,
                            "linger.ms", "20",
                            "delivery.timeout.ms", "60000",
                            "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
            assertEquals("all", config.get("acks"));
            assertEquals("true", config.get("enable.idempotence"));
            assertEquals("10.0.0.9:9092", config.get("bootstrap.servers"));
            assertEquals("20", config.get("linger.ms"), "other settings pass through");
            assertEquals("60000", config.get("delivery.timeout.ms"), "Vigil's defaults yield to the user's");
            assertEquals("vigil-agent-node-a", config.get("client.id"));
            assertFalse(config.containsKey("value.serializer"));
            String warnings =
                    logs.list.stream().map(ILoggingEvent::getFormattedMessage).reduce("", String::concat);
            assertTrue(warnings.contains("kafka.acks=1 is overridden with all"), warnings);
            assertTrue(warnings.contains("kafka.enable.idempotence=false"), warnings);
            assertTrue(warnings.contains("kafka.value.serializer is ignored"), warnings);
            assertTrue(warnings.contains("kafka.delivery.timeout.ms=60000: a batch that times out"), warnings);
            assertEquals(4, logs.list.size(), "no warning for settings that agree or are ours to give");
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void keepsTheProducerRetryingThroughAnOutageByDefault() {
        Map<String, Object> config = ProducerSettings.merge("node-a", Map.of("bootstrap.servers", "10.0.0.9:9092"));
        assertEquals(String.valueOf(Integer.MAX_VALUE), config.get("delivery.timeout.ms"));
    }

    @Test
    void aDurationThatIsNotANumberNamesTheKey() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ProducerSettings.millis(Map.of("request.timeout.ms", "30s"), "request.timeout.ms", 1));
        assertEquals("kafka.request.timeout.ms: '30s' is not a number of milliseconds", e.getMessage());
    }
}
