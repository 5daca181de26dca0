package io.vigil.app;

import io.vigil.broker.EmbeddedKafka;
import io.vigil.service.config.DurationText;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The agent's footprint: a real {@code vigil agent} process (probes answered by a simulated host,
 * publishing to a broker in this process) beside an idle JVM with the same flags as baseline,
 * both sampled from /proc: CPU share of one core, and resident memory.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "CPU share and RSS of a running agent at a given probe interval, against an idle JVM")
final class AgentBench implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--interval", defaultValue = "10s", description = "the probes' interval (default ${DEFAULT-VALUE})")
    Duration interval;

    @Option(names = "--seconds", converter = AtLeastOne.class, description = "how long to measure, after the warm-up (default ${DEFAULT-VALUE})")
    int seconds = 60;

    @Option(names = "--warmup", description = "seconds to let both JVMs start and settle before measuring (default ${DEFAULT-VALUE})")
    int warmup = 20;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        // the flags 'vigil agent' runs with are defined once, in the ./vigil script, which passes them here
        String flags = System.getenv("VIGIL_AGENT_JVM");
        if (flags == null || flags.isBlank()) {
            spec.commandLine().getErr().println("vigil bench agent: run it as './vigil bench agent', which passes the agent's JVM flags (VIGIL_AGENT_JVM)");
            return 2;
        }
        List<String> jvm = Arrays.asList(flags.trim().split("\\s+"));
        try (WorkDir dir = WorkDir.temporary("vigil-bench-agent-"); EmbeddedKafka broker = EmbeddedKafka.start(dir.resolve("kafka"))) {
            broker.createVigilTopics();
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, agentConfig(broker.bootstrapServers(), dir.resolve("spool"), DurationText.format(interval)));
            // stopped before the broker and the directory go
            try (Launched agent = launch(jvm, List.of("agent", "--config", config.toString(), "--simulated-host", "node-a"),
                         dir.resolve("agent.log"));
                 Launched idle = launch(jvm, List.of("bench", "idle"), dir.resolve("idle.log"))) {
                return measure(out, jvm, agent.process(), idle.process(), dir.resolve("agent.log"));
            }
        }
    }

    private int measure(PrintWriter out, List<String> jvm, Process agent, Process idle, Path agentLog) throws Exception {
        out.printf(Locale.ROOT, "agent bench: probes every %s on simulated host node-a; %d s warm-up, then %d s measured%n",
                DurationText.format(interval), warmup, seconds);
        out.printf(Locale.ROOT, "  jvm flags: %s%n", String.join(" ", jvm));
        out.flush();
        Thread.sleep(Duration.ofSeconds(warmup).toMillis());
        Sample agentStart = Sample.of(agent.pid());
        Sample idleStart = Sample.of(idle.pid());
        long maxAgentRss = 0;
        long maxIdleRss = 0;
        for (int s = 0; s < seconds; s++) {
            Thread.sleep(1000);
            if (!agent.isAlive()) {
                out.println("  the agent exited (code " + agent.exitValue() + "); its log: " + agentLog);
                return 1;
            }
            maxAgentRss = Math.max(maxAgentRss, Sample.of(agent.pid()).rssBytes());
            maxIdleRss = Math.max(maxIdleRss, Sample.of(idle.pid()).rssBytes());
            if ((s + 1) % 15 == 0) {
                out.printf(Locale.ROOT, "  ... %d s%n", s + 1);
                out.flush();
            }
        }
        Sample agentEnd = Sample.of(agent.pid());
        Sample idleEnd = Sample.of(idle.pid());
        double agentCpu = agentEnd.cpuShareSince(agentStart);
        double idleCpu = idleEnd.cpuShareSince(idleStart);
        out.printf(Locale.ROOT, "  agent:    cpu %.2f%% of one core, rss %.1f MiB (max %.1f MiB)%n", agentCpu * 100,
                agentEnd.rssBytes() / 1048576.0, maxAgentRss / 1048576.0);
        out.printf(Locale.ROOT, "  idle jvm: cpu %.2f%% of one core, rss %.1f MiB (max %.1f MiB)%n", idleCpu * 100,
                idleEnd.rssBytes() / 1048576.0, maxIdleRss / 1048576.0);
        out.printf(Locale.ROOT, "  ratio agent/idle: cpu %.1fx, rss %.2fx%n", idleCpu == 0 ? Double.NaN : agentCpu / idleCpu,
                maxAgentRss / (double) Math.max(1, maxIdleRss));
        out.printf(Locale.ROOT, "  targets: cpu < 2%% of one core: %s; rss < 96 MiB: %s%n", agentCpu < 0.02 ? "met" : "NOT met",
                maxAgentRss < 96L * 1048576 ? "met" : "NOT met");
        out.flush();
        return 0;
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

    private static Launched launch(List<String> jvm, List<String> args, Path log) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvm);
        argv.add("-cp");
        argv.add(System.getProperty("java.class.path"));
        argv.add(Vigil.class.getName());
        argv.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("MALLOC_ARENA_MAX", "2"); // as ./vigil runs the agent
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
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> l.replaceAll("[^0-9]", "")).mapToLong(Long::parseLong)
                    .findFirst().orElse(0) * 1024;
            return new Sample(System.nanoTime(), ticks, rss);
        }

        double cpuShareSince(Sample start) {
            double cpuSeconds = (cpuTicks - start.cpuTicks) / (double) TICKS_PER_SECOND;
            return cpuSeconds / ((nanos - start.nanos) / 1e9);
        }
    }
}
