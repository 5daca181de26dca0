package io.vigil.broker;

import io.vigil.events.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) inside this JVM,
 * listening on 127.0.0.1 only, with its data in a directory of the caller's choosing.
 *
 * <p>The broker can be stopped and started again on the same directory; it keeps the ports it
 * was first given, so clients configured with {@link #bootstrapServers()} reconnect by themselves
 * (that is what an outage looks like to an agent). The ports are picked free on the first start.
 */
public final class EmbeddedKafka implements AutoCloseable {
    /**
     * Partitions per Vigil topic. Telemetry is keyed by cluster, so its partition count bounds
     * how many engine instances share the work: six divides evenly among 1, 2, 3 or 6 instances.
     * Alerts, actions and action results get the same count so the engine can join them with
     * telemetry-derived state without a repartition topic. The dead-letter topic is read by
     * people, in order, every engine instance reads all silences, and the notification log is
     * read whole by the one active notifier: one partition each.
     */
    public static final Map<String, Integer> VIGIL_TOPIC_PARTITIONS = vigilTopicPartitions();

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER = "CONTROLLER";
    private static final String HOST = "127.0.0.1";

    static {
        // A fatal broker error calls Exit.halt/exit, which would take the whole agent, engine or
        // lab down with it. Inside Vigil the broker is a guest: log, and unwind the broker thread.
        Exit.setExitProcedure(EmbeddedKafka::refuseExit);
        Exit.setHaltProcedure(EmbeddedKafka::refuseExit);
    }

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dataDir, int brokerPort, int controllerPort) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /**
     * Starts a broker on free ports of 127.0.0.1 with its data in {@code dataDir}, formatting the
     * directory first when it holds no broker yet; returns when clients can connect.
     */
    public static EmbeddedKafka start(Path dataDir) {
        int[] ports = freePorts(2);
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir.toAbsolutePath(), ports[0], ports[1]);
        kafka.start();
        return kafka;
    }

    /** Starts the broker again (after {@link #stop()}) on the same directory and ports. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        long began = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data directory " + dataDir, e);
        }
        formatOnce();
        KafkaRaftServer starting = new KafkaRaftServer(KafkaConfig.fromProps(brokerProperties(), false), Time.SYSTEM);
        try {
            starting.startup();
        } catch (RuntimeException e) {
            starting.shutdown();
            starting.awaitShutdown();
            throw new IllegalStateException(
                    "embedded Kafka did not start on " + bootstrapServers() + " with data in " + dataDir
                            + " (is the port taken by another process?): " + e.getMessage(),
                    e);
        }
        server = starting;
        log.info(
                "embedded Kafka up on {} (data {}) in {} ms",
                bootstrapServers(),
                dataDir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /** Stops the broker cleanly; the data stays and {@link #start()} brings it back. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer stopping = server;
        server = null;
        stopping.shutdown();
        stopping.awaitShutdown();
        log.info("embedded Kafka on {} stopped", bootstrapServers());
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** {@code 127.0.0.1:port}; the same across {@link #stop()} and {@link #start()}. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates the Vigil topics ({@link Topics#ALL}) with {@link #VIGIL_TOPIC_PARTITIONS}; existing ones are kept. */
    public void createVigilTopics() {
        createTopics(VIGIL_TOPIC_PARTITIONS);
    }

    /** Creates each topic with the given partition count (replication 1); a topic that exists is left as it is. */
    public void createTopics(Map<String, Integer> partitionsByTopic) {
        List<NewTopic> topics = new ArrayList<>();
        partitionsByTopic.forEach((name, partitions) ->
                topics.add(new NewTopic(name, partitions, (short) 1).configs(Topics.configs(name))));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            var futures = admin.createTopics(topics).values();
            for (var entry : futures.entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + entry.getKey() + ": "
                                        + e.getCause().getMessage(),
                                e);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topics not created within 30 s on " + bootstrapServers(), e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void formatOnce() {
        if (Files.exists(dataDir.resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toString()))
                    .setMetadataLogDirectory(dataDir.toString())
                    .setControllerListenerName(CONTROLLER)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka data directory " + dataDir + ": " + e.getMessage(), e);
        }
        log.debug(
                "formatted {}: {}",
                dataDir,
                out.toString(StandardCharsets.UTF_8).strip());
    }

    private Properties brokerProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put(
                "listeners",
                "PLAINTEXT://" + HOST + ":" + brokerPort + "," + CONTROLLER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dataDir.toString());
        // one node: every internal topic has exactly one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        // topics are declared, never created by a typo in a client
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        // the 128 MiB default would sit on the heap of the agent's or lab's JVM
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        // a restart after a crash waits out the session of the previous incarnation: keep it short
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "1000");
        // a transaction left open by a killed engine blocks read_committed readers (the engine restoring its
        // stores, the notifier) until it times out; abort it within a second of that, not ten
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        return p;
    }

    private static Map<String, Integer> vigilTopicPartitions() {
        Map<String, Integer> partitions = new LinkedHashMap<>();
        for (String topic : Topics.ALL) {
            partitions.put(topic, Topics.partitions(topic, 6));
        }
        return Collections.unmodifiableMap(partitions);
    }

    /**
     * {@code n} free ports of 127.0.0.1, all different: each socket is held open until all are
     * chosen, as a port asked for twice in a row may be handed out twice.
     */
    static int[] freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>(n);
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST));
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + HOST, e);
        } finally {
            for (ServerSocket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // a socket that did not close frees its port with the process; nothing else to do
                }
            }
        }
    }

    private static void refuseExit(int status, String message) {
        log.error(
                "embedded Kafka asked to end the JVM with status {} ({}); refused, the broker thread stops instead",
                status,
                message);
        throw new BrokerExitRefused(status, message);
    }

    /** Thrown on the broker thread that asked Kafka to exit or halt the JVM. */
    static final class BrokerExitRefused extends RuntimeException {
        BrokerExitRefused(int status, String message) {
            super("Kafka asked to exit the JVM with status " + status + ": " + message);
        }
    }
}
