package io.vigil.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The agent bench's two floors, each run in a JVM of its own with the agent's flags and with
 * nothing on its class path but the agent's jar and this one class: a JVM that only sleeps, and a
 * bare Kafka producer, set as the agent's publisher sets its own, sending one record a second.
 * Between them and the agent lies what the agent itself costs. No lambda or nested class here:
 * {@link #copyTo} puts this single class file beside the jar.
 */
public final class FootprintFloor {
    /** As big as a typical telemetry envelope of the lab's agents. */
    private static final int RECORD_BYTES = 600;

    private FootprintFloor() {}

    /** {@code sleep}, or {@code producer BOOTSTRAP TOPIC}. */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("sleep")) {
            Thread.sleep(Long.MAX_VALUE);
        } else if (args.length == 3 && args[0].equals("producer")) {
            produce(args[1], args[2]);
        } else {
            System.err.println("usage: FootprintFloor sleep | producer BOOTSTRAP TOPIC");
            System.exit(2);
        }
    }

    /** The settings of collectors' ProducerSettings (defaults and guarantees) that shape its memory. */
    private static void produce(String bootstrap, String topic) throws InterruptedException {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.put("client.id", "vigil-bench-floor");
        config.put("enable.idempotence", "true");
        config.put("acks", "all");
        config.put("max.in.flight.requests.per.connection", "5");
        config.put("delivery.timeout.ms", String.valueOf(Integer.MAX_VALUE));
        config.put("max.block.ms", "5000");
        config.put("buffer.memory", String.valueOf(4 * 1024 * 1024));
        config.put("metric.reporters", "");
        config.put("enable.metrics.push", "false");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            while (true) {
                producer.send(new ProducerRecord<>(topic, "bench", new byte[RECORD_BYTES]));
                Thread.sleep(1000);
            }
        }
    }

    /** Writes this class's file under {@code dir}, as a class path entry of its own; returns {@code dir}. */
    static Path copyTo(Path dir) throws IOException {
        Path file = dir.resolve(FootprintFloor.class.getName().replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        try (InputStream in =
                FootprintFloor.class.getResourceAsStream(FootprintFloor.class.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IOException("the class file of " + FootprintFloor.class.getName() + " is not readable");
            }
            Files.copy(in, file);
        }
        return dir;
    }
}
