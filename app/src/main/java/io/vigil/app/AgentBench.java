package io.vigil.app;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.events.Topics;
import io.vigil.service.config.DurationText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The agent's footprint: a real {@code vigil agent} process (probes answered by a simulated host,
 * publishing to a broker in this process) beside its two floors with the same flags
 * ({@link FootprintFloor}: a JVM that sleeps, and a bare Kafka producer), all sampled from /proc:
 * CPU share of one core, and resident memory.
 */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description =
                "CPU share and RSS of a running agent at a given probe interval, against a sleeping JVM and a bare Kafka producer")
final class AgentBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--interval", defaultValue = "10s", description = "the probes' interval (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(
            names = "--seconds",
            converter = AtLeastOne.class,
            description = "how long to measure, after the warm-up (default ${DEFAULT-VALUE})")
    int seconds = 60;

    @Option(
            names = "--warmup",
            description = "seconds to let both JVMs start and settle before measuring (default ${DEFAULT-VALUE})")
    int warmup = 20;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // the flags 'vigil agent' runs with are defined once, in the ./vigil script, which passes them here
        String flags = System.getenv("VIGIL_AGENT_JVM");
        if (flags == null || flags.isBlank()) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "vigil bench agent: run it as './vigil bench agent', which passes the agent's JVM flags (VIGIL_AGENT_JVM)");
            return 2;
        }
        List<String> jvm = Arrays.asList(flags.trim().split("\\s+"));
        Map<String, String> environment = environment(System.getenv().getOrDefault("VIGIL_AGENT_ENV", ""));
        // the agent's own jar, as 'vigil agent' runs it: only the agent's classes on its class path
        String jarName = System.getenv("VIGIL_AGENT_JAR");
        if (jarName == null || jarName.isBlank() || !Files.isRegularFile(Path.of(jarName))) {
            spec.commandLine()
                    .getErr()
                    .println(
                            "vigil bench agent: the agent's jar (VIGIL_AGENT_JAR) is missing; run it as './vigil bench agent', "
                                    + "which builds agent/target/vigil-agent.jar and passes it");
            return 2;
        }
        Path agentJar = Path.of(jarName);
        try (WorkDir dir = WorkDir.temporary("vigil-bench-agent-");
                EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"))) {
            broker.createVigilTopics();
            // the floors' class path: the agent's jar and the one class that runs them, nothing of the command line's
            String floorPath = agentJar + java.io.File.pathSeparator + FootprintFloor.copyTo(dir.resolve("floor"));
            Path config = dir.resolve("agent.yaml");
            Files.writeString(
                    config,
                    agentConfig(broker.bootstrapServers(), dir.resolve("spool"), DurationText.format(interval)));
            // stopped before the broker and the directory go
            try (Launched agent = launch(
                            jvm,
                            environment,
                            List.of(
                                    "-jar",
                                    agentJar.toString(),
                                    "--config",
                                    config.toString(),
                                    "--simulated-host",
                                    "node-a"),
                            dir.resolve("agent.log"));
                    Launched sleeping = launch(
                            jvm,
                            environment,
                            List.of("-cp", floorPath, FootprintFloor.class.getName(), "sleep"),
                            dir.resolve("sleeping.log"));
                    Launched producer = launch(
                            jvm,
                            environment,
                            List.of(
                                    "-cp",
                                    floorPath,
                                    FootprintFloor.class.getName(),
                                    "producer",
                                    broker.bootstrapServers(),
                                    Topics.TELEMETRY),
                            dir.resolve("producer.log"))) {
                return measure(
                        out, jvm, agent.process(), sleeping.process(), producer.process(), dir.resolve("agent.log"));
            }
        }
    }

    private int measure(
            PrintWriter out, List<String> jvm, Process agent, Process sleeping, Process producer, Path agentLog)
            throws Exception {
        out.printf(
                Locale.ROOT,
                "agent bench: probes every %s on simulated host node-a; %d s warm-up, then %d s measured%n",
                DurationText.format(interval),
                warmup,
                seconds);
        out.printf(Locale.ROOT, "  jvm flags: %s%n", String.join(" ", jvm));
        out.printf(
                Locale.ROOT,
                "  floors, with the same flags and the agent's jar: a JVM that sleeps, and a bare Kafka producer set as the agent's, sending a record a second%n");
        out.flush();
        Thread.sleep(Duration.ofSeconds(warmup).toMillis());
        Footprint agentFootprint = new Footprint(Sample.of(agent.pid()));
        Footprint sleepingFootprint = new Footprint(Sample.of(sleeping.pid()));
        Footprint producerFootprint = new Footprint(Sample.of(producer.pid()));
        for (int s = 0; s < seconds; s++) {
            Thread.sleep(1000);
            if (!agent.isAlive()) {
                out.println("  the agent exited (code " + agent.exitValue() + "); its log: " + agentLog);
                return 1;
            }
            if (!producer.isAlive()) {
                out.println("  the bare producer exited (code " + producer.exitValue() + "); its log is beside "
                        + agentLog);
                return 1;
            }
            agentFootprint.add(Sample.of(agent.pid()));
            sleepingFootprint.add(Sample.of(sleeping.pid()));
            producerFootprint.add(Sample.of(producer.pid()));
            if ((s + 1) % 15 == 0) {
                out.printf(Locale.ROOT, "  ... %d s%n", s + 1);
                out.flush();
            }
        }
        out.printf(Locale.ROOT, "  agent:         %s%n", agentFootprint);
        out.printf(Locale.ROOT, "  sleeping jvm:  %s%n", sleepingFootprint);
        out.printf(Locale.ROOT, "  bare producer: %s%n", producerFootprint);
        double sleepingCpu = sleepingFootprint.meanCpu();
        out.printf(
                Locale.ROOT,
                "  ratio agent/sleeping jvm: cpu %.1fx, peak rss %.2fx; agent/bare producer: peak rss %.2fx%n",
                sleepingCpu == 0 ? Double.NaN : agentFootprint.meanCpu() / sleepingCpu,
                agentFootprint.peakRss / (double) Math.max(1, sleepingFootprint.peakRss),
                agentFootprint.peakRss / (double) Math.max(1, producerFootprint.peakRss));
        out.printf(
                Locale.ROOT,
                "  peak rss above the floors: the producer %.1f MiB over the sleeping jvm, the agent %.1f MiB over the producer%n",
                (producerFootprint.peakRss - sleepingFootprint.peakRss) / (double) MIB,
                (agentFootprint.peakRss - producerFootprint.peakRss) / (double) MIB);
        out.printf(
                Locale.ROOT,
                "  targets: cpu < 2%% of one core (mean): %s; peak rss <= %d MiB: %s%n",
                agentFootprint.meanCpu() < CPU_TARGET ? "met" : "NOT met",
                RSS_TARGET_BYTES / MIB,
                agentFootprint.peakRss <= RSS_TARGET_BYTES ? "met" : "NOT met");
        out.flush();
        return 0;
    }

    static final double CPU_TARGET = 0.02;
    private static final long MIB = 1024 * 1024;
    /** node_exporter lives in about 20 MiB; a JVM that sleeps with the agent's flags takes about 33 MiB of this. */
    static final long RSS_TARGET_BYTES = 64 * MIB;

    /**
     * One process's samples, a second apart: CPU as the mean over the whole window and the
     * busiest second (a probe round), RSS as the mean and the peak of the samples.
     */
    static final class Footprint {
        private final Sample first;
        private Sample last;
        private double peakCpu;
        private long rssSum;
        private long peakRss;
        private int count;

        Footprint(Sample first) {
            this.first = first;
            this.last = first;
        }

        void add(Sample next) {
            peakCpu = Math.max(peakCpu, next.cpuShareSince(last));
            rssSum += next.rssBytes();
            peakRss = Math.max(peakRss, next.rssBytes());
            count++;
            last = next;
        }

        double meanCpu() {
            return last.cpuShareSince(first);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "cpu mean %.2f%% of one core (peak %.0f%% in a second), rss mean %.1f MiB (peak %.1f MiB)",
                    meanCpu() * 100,
                    peakCpu * 100,
                    rssSum / (double) Math.max(1, count) / MIB,
                    peakRss / (double) MIB);
        }
    }

    /** A JVM the bench started: stopped (SIGTERM, then SIGKILL after 10 s) on close. */
    private record Launched(Process process) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** VIGIL_AGENT_ENV: the variables, NAME=VALUE apart by spaces, that ./vigil sets for the agent. */
    static Map<String, String> environment(String text) {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String pair : text.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                variables.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return variables;
    }

    private static Launched launch(List<String> jvm, Map<String, String> environment, List<String> args, Path log)
            throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvm);
        argv.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment); // as ./vigil runs the agent
        return new Launched(builder.start());
    }

    static String agentConfig(String bootstrap, Path spool, String interval) {
        return """
                cluster: bench
                node: node-a
                kafka: {bootstrap.servers: "%s"}
                spool: {dir: "%s", max_bytes: 16MiB}
                metrics: {listen: "127.0.0.1:0"}
                heartbeat: {interval: 5s}
                probes:
                  drbd:  {statistics_interval: %3$s, latency_interval: %3$s, timeout: 5s}
                  smart: {interval: %3$s, timeout: 5s, devices: [{device: /dev/sda}, {device: /dev/nvme0}]}
                  lvm:   {interval: %3$s, timeout: 5s}
                  vm:    {interval: %3$s, timeout: 5s, guest_agent: [web, mail]}
                resources:
                  r0: {home: node-a, lvs: [vg0/r0-disk], vms: [web, mail]}
                  r1: {home: node-b, lvs: [vg0/r1-disk], vms: [db, backup]}
                """.formatted(bootstrap, spool.toAbsolutePath(), interval);
    }

    /** CPU time and resident memory of one process, read from /proc. */
    record Sample(long nanos, long cpuTicks, long rssBytes) {
        // USER_HZ is 100 on every Linux architecture the JVM runs on
        private static final long TICKS_PER_SECOND = 100;

        static Sample of(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            long rss = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                            .filter(l -> l.startsWith("VmRSS:"))
                            .map(l -> l.replaceAll("[^0-9]", ""))
                            .mapToLong(Long::parseLong)
                            .findFirst()
                            .orElse(0)
                    * 1024;
            return new Sample(System.nanoTime(), ticks, rss);
        }

        double cpuShareSince(Sample start) {
            double cpuSeconds = (cpuTicks - start.cpuTicks) / (double) TICKS_PER_SECOND;
            return cpuSeconds / ((nanos - start.nanos) / 1e9);
        }
    }
}
