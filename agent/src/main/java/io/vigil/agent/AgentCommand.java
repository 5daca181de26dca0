package io.vigil.agent;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.cli.ConfigFile;
import io.vigil.cli.UntilStopped;
import io.vigil.collectors.Agent;
import io.vigil.collectors.ConfiguredProbes;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.command.HostFiles;
import io.vigil.collectors.command.LocalHostFiles;
import io.vigil.collectors.command.ProcessCommandRunner;
import io.vigil.collectors.config.AgentConfig;
import io.vigil.collectors.config.AgentConfigLoader;
import io.vigil.collectors.executor.ActionExecutor;
import io.vigil.collectors.executor.ExecutorSettings;
import io.vigil.collectors.probe.EventSink;
import io.vigil.collectors.publish.Spool;
import io.vigil.collectors.publish.TelemetryPublisher;
import io.vigil.events.ActionSeal;
import io.vigil.service.topology.Topology;
import io.vigil.sim.SimulatedHost;
import io.vigil.sim.SimulatedPair;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil agent}: the per-host collector, until stopped. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the agent of this host: probes DRBD, disks, LVM and VMs, publishes to Kafka "
                    + "(spooling to disk while Kafka is away) and serves /metrics. Stops on SIGTERM or Ctrl-C."
        },
        footer = {"", "Example: vigil agent --config /etc/vigil/agent.yaml (see deploy/agent.yaml)"})
@SuppressWarnings("deprecation") // the simpleclient Prometheus registry (text format 0.0.4) is the one the project uses
public final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFile config;

    @Option(
            names = "--simulated-host",
            paramLabel = "NODE",
            description = {
                "answer the tools from a simulated host of the lab's seed pair (node-a or node-b) instead of this "
                        + "machine's: for demos and for 'vigil bench agent', never for a real host"
            })
    String simulatedHost;

    @Override
    public Integer call() throws Exception {
        Optional<AgentConfig> loaded = config.load(AgentConfigLoader::load, "deploy/agent.yaml");
        if (loaded.isEmpty()) {
            return 2;
        }
        AgentConfig agentConfig = loaded.get();
        CommandRunner runner = new ProcessCommandRunner();
        HostFiles files = new LocalHostFiles();
        Optional<SimulatedPair> pair = Optional.empty();
        if (simulatedHost != null) {
            pair = Optional.of(SimulatedPair.seed(Instant.now()));
            Optional<SimulatedHost> host = pair.get().host(simulatedHost);
            if (host.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("vigil agent: --simulated-host must be node-a or node-b, not '" + simulatedHost + "'");
                return 2;
            }
            runner = host.get();
            files = host.get();
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (UntilStopped running = UntilStopped.install("agent");
                TelemetryPublisher publisher = new TelemetryPublisher(
                        agentConfig.cluster(),
                        agentConfig.node(),
                        agentConfig.kafka(),
                        new Spool.Settings(
                                agentConfig.spool().dir(), agentConfig.spool().maxBytes()),
                        registry);
                Agent agent = new Agent(
                        agentConfig,
                        ConfiguredProbes.of(agentConfig, runner, files),
                        publisher,
                        registry,
                        files,
                        Clock.systemUTC(),
                        executor(agentConfig, runner, publisher, registry))) {
            if (pair.isPresent()) {
                SimulatedPair simulated = pair.get();
                Thread ticker = new Thread(
                        () -> {
                            try {
                                while (true) {
                                    Thread.sleep(250);
                                    simulated.tick(Duration.ofMillis(250));
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "simulated-clock");
                ticker.setDaemon(true);
                ticker.start();
            }
            running.await();
        }
        return 0;
    }

    /**
     * The action executor when the config enables it, over the agent's own runner (a simulated
     * host's with --simulated-host), publisher and registry.
     */
    private static Optional<ActionExecutor> executor(
            AgentConfig config, CommandRunner runner, EventSink publisher, PrometheusMeterRegistry registry)
            throws IOException {
        ExecutorSettings settings = config.executor();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        // the key was read and checked when the config was loaded; read again here so it is held nowhere else
        ActionSeal seal = settings.key().orElseThrow().seal(System.getenv());
        // without a topology: key, actions that need it (fence, fence-status, vm-migrate-live) are refused as
        // not-configured and the others run
        Topology topology = config.topology().orElse(Topology.EMPTY);
        return Optional.of(ActionExecutor.create(
                config, settings, topology, seal, runner, publisher, registry, Clock.systemUTC()));
    }
}
