package io.vigil.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.events.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaTest {
    private static Path freshDir(String name) throws Exception {
        Path base = Path.of(System.getProperty("vigil.test.tmp", "target/tmp"));
        Files.createDirectories(base);
        return Files.createTempDirectory(base, name);
    }

    @Test
    void theBrokerAndItsControllerNeverGetTheSamePort() {
        for (int i = 0; i < 200; i++) {
            int[] ports = EmbeddedKafka.freePorts(2);
            assertNotEquals(ports[0], ports[1], "round " + i);
        }
    }

    @Test
    void keepsItsDataAndPortAcrossARestartOnTheSameDirectory() throws Exception {
        Path dir = freshDir("kafka-restart");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
            String bootstrap = kafka.bootstrapServers();
            assertTrue(bootstrap.startsWith("127.0.0.1:"), bootstrap);
            assertTrue(Files.exists(dir.resolve("meta.properties")), "formatted on first start");
            kafka.createVigilTopics();
            send(bootstrap, "before");

            kafka.stop();
            assertFalse(kafka.isRunning());
            kafka.start();

            assertEquals(bootstrap, kafka.bootstrapServers());
            send(bootstrap, "after");
            assertEquals(List.of("before", "after"), readTelemetry(bootstrap, 2));
        }
    }

    @Test
    void createsTheVigilTopicsWithTheirPartitionCounts() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(freshDir("kafka-topics"))) {
            kafka.createVigilTopics();
            kafka.createVigilTopics(); // a second call keeps what exists
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                Map<String, TopicDescription> topics =
                        admin.describeTopics(Topics.ALL).allTopicNames().get(30, TimeUnit.SECONDS);
                assertEquals(Topics.ALL.size(), topics.size());
                topics.forEach((name, description) -> assertEquals(
                        (int) EmbeddedKafka.VIGIL_TOPIC_PARTITIONS.get(name),
                        description.partitions().size(),
                        name));
            }
        }
    }

    @Test
    void aBrokerFaultCannotEndTheJvm() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(freshDir("kafka-halt"))) {
            // what a fatal broker error calls; were it not refused, this test run would end here
            assertThrows(EmbeddedKafka.BrokerExitRefused.class, () -> Exit.halt(1, "simulated fatal error"));
            assertThrows(EmbeddedKafka.BrokerExitRefused.class, () -> Exit.exit(1, "simulated fatal error"));
            assertTrue(kafka.isRunning());
        }
    }

    private static void send(String bootstrap, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap, "max.block.ms", "10000"),
                new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.TELEMETRY, 0, "pair-1", value))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> readTelemetry(String bootstrap, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of("bootstrap.servers", bootstrap), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(Topics.TELEMETRY, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
