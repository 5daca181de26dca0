package io.vigil.rules.stream;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.events.ActionSeal;
import io.vigil.events.ActionSeals;
import io.vigil.events.ConnectionState;
import io.vigil.events.DiskState;
import io.vigil.events.DrbdResource;
import io.vigil.events.DrbdRole;
import io.vigil.events.Envelope;
import io.vigil.events.EnvelopeCodec;
import io.vigil.events.ReplicationState;
import io.vigil.events.Topics;
import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.EngineTiming;
import io.vigil.rules.engine.Roster;
import io.vigil.rules.rule.RuleLoader;
import io.vigil.rules.rule.RuleSet;
import io.vigil.service.http.ListenAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the engine's integration tests share: a config on the embedded broker, a telemetry producer, a reader of a topic. */
final class EngineHarness {
    /** A pair with one resource and one VM, failover auto: the topology of the engine tests that run the failover. */
    static final String ONE_VM_TOPOLOGY = """
            clusters:
              pair-1:
                nodes:
                  node-a: {}
                  node-b: {}
                resources:
                  r0: {home: node-a, vms: [web]}
                vms:
                  web: {memory: 1GiB, min_memory: 512MiB, priority: 1}
                failover:
                  mode: auto
            """;

    static final Path PACK = Path.of("..", "deploy", "rules");

    private EngineHarness() {}

    static RuleSet pack() throws Exception {
        return RuleLoader.load(List.of(PACK));
    }

    static EngineConfig config(
            String bootstrap,
            Path stateDir,
            String applicationId,
            Roster roster,
            EngineTiming timing,
            Optional<String> advertise,
            ListenAddress listen) {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", bootstrap);
        // a killed instance's partitions move after this long; the broker's minimum
        kafka.put("consumer.session.timeout.ms", "6000");
        kafka.put("consumer.heartbeat.interval.ms", "1000");
        return new EngineConfig(
                kafka,
                applicationId,
                stateDir,
                1,
                List.of(PACK),
                roster,
                new EngineConfig.Topics(true, 6, (short) 1),
                timing,
                new EngineConfig.Http(listen, advertise, Optional.empty()));
    }

    /**
     * {@code config} with the failover on: the topology in {@code topology}, actions sealed with the
     * key in {@code key} when it is a file (every agent's), or with {@code key/<node>.key} of their node when it is a directory.
     */
    static EngineConfig withFailover(EngineConfig config, Path topology, Path key) throws Exception {
        io.vigil.service.topology.TopologyFile file = io.vigil.service.topology.TopologyLoader.load(topology);
        ActionSeals seals;
        if (java.nio.file.Files.isDirectory(key)) {
            Map<String, ActionSeal> byNode = new HashMap<>();
            for (var cluster : file.topology().clusters().values()) {
                for (String node : cluster.nodeNames()) {
                    byNode.put(node, ActionSeal.ofKeyText(java.nio.file.Files.readString(key.resolve(node + ".key"))));
                }
            }
            seals = new ActionSeals.PerNode(byNode);
        } else {
            seals = new ActionSeals.Shared(ActionSeal.ofKeyText(java.nio.file.Files.readString(key)));
        }
        EngineConfig.Failover failover = new EngineConfig.Failover(file, seals);
        return new EngineConfig(
                config.kafka(),
                config.applicationId(),
                config.stateDir(),
                config.streamThreads(),
                config.rules(),
                config.roster(),
                config.topics(),
                config.timing(),
                config.http(),
                config.notifications(),
                config.limits(),
                Optional.of(failover));
    }

    @SuppressWarnings("deprecation")
    static PrometheusMeterRegistry registry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Map<String, Object> props = new HashMap<>(Topics.producerGuarantees());
        props.put("bootstrap.servers", bootstrap);
        props.put("linger.ms", "0");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    static void send(KafkaProducer<String, byte[]> producer, Envelope envelope) {
        producer.send(new ProducerRecord<>(Topics.TELEMETRY, envelope.cluster(), EnvelopeCodec.encode(envelope)));
    }

    /** Everything committed on {@code topic} so far, from the beginning, read_committed. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** r0 on one node of the pair, one volume, connected to {@code peer}: the report the failover tests send. */
    static DrbdResource drbd(String peer, DrbdRole role, DiskState disk, DrbdRole peerRole, DiskState peerDisk) {
        return new DrbdResource(
                "r0",
                role,
                false,
                Optional.empty(),
                Optional.empty(),
                false,
                List.of(new DrbdResource.DrbdDevice(0, 0, disk, false, Optional.empty(), Optional.empty())),
                List.of(new DrbdResource.DrbdConnection(
                        peer,
                        1,
                        ConnectionState.CONNECTED,
                        peerRole,
                        false,
                        Optional.empty(),
                        Optional.empty(),
                        List.of(),
                        List.of(new DrbdResource.DrbdPeerDevice(
                                0,
                                ReplicationState.ESTABLISHED,
                                peerDisk,
                                false,
                                false,
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.of(0L),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty())),
                        DrbdResource.ReplicationLatency.UNMEASURED)));
    }
}
