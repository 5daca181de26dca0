package io.vigil.lab;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vigil.rules.rule.DefaultRulePack;
import io.vigil.rules.stream.Engine;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;

/**
 * The lab's engine in a JVM of its own ({@link LabEngine.OwnJvm}): arguments are the broker's
 * bootstrap servers, the lab's data directory (its topology, key and token, and the engine's
 * state) and optionally the page webhook's URL. Once it runs and its notifier holds the lease, it
 * writes its API's URL to the engine-api file there; SIGTERM closes it cleanly, SIGKILL is the crash a scenario asks for.
 */
public final class LabEngineProcess {
    private LabEngineProcess() {}

    @SuppressWarnings("deprecation") // the simpleclient Prometheus registry, as the engine command uses it
    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: LabEngineProcess BOOTSTRAP DATA_DIR [PAGE_WEBHOOK_URL]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[1]);
        Optional<URI> webhook = args.length == 3 ? Optional.of(URI.create(args[2])) : Optional.empty();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LabHistory history = LabHistory.start(dataDir, args[0], registry);
        Engine engine = Engine.start(
                Lab.engineConfig(args[0], dataDir.resolve("engine"), webhook, LabFailover.existing(dataDir)),
                DefaultRulePack.load(),
                registry,
                line -> System.out.println("page: " + line),
                history.routes());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            engine.close();
                            history.close();
                        },
                        "engine-shutdown"));
        if (!engine.awaitRunning(Duration.ofSeconds(110))) {
            System.out.println("the engine did not reach RUNNING (state " + engine.state() + ")");
            System.exit(1);
        }
        // ready means ready to page: the notifier's lease is held (after a kill, once the dead instance's session ends)
        long deadline = System.nanoTime() + Duration.ofSeconds(110).toNanos();
        while (!engine.notifying().orElse(true) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        // written whole, then moved: the lab never reads half a URL
        Path api = dataDir.resolve(LabEngine.OwnJvm.API_FILE);
        Path partial = dataDir.resolve(LabEngine.OwnJvm.API_FILE + ".partial");
        Files.writeString(partial, engine.apiUrl() + "\n", StandardCharsets.UTF_8);
        Files.move(partial, api, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("engine running, pid " + ProcessHandle.current().pid() + ", API " + engine.apiUrl());
        Thread.currentThread().join();
    }
}
