package io.vigil.rules.stream;

import io.vigil.rules.config.EngineConfig;
import io.vigil.rules.engine.Roster;
import io.vigil.service.http.ListenAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * An engine instance in a JVM of its own, for the test that kills one with SIGKILL: args are the
 * bootstrap servers, the state directory and the application id, then optionally a topology file
 * and an action key file. Prints RUNNING when it runs.
 */
public final class EngineProcess {
    private EngineProcess() {}

    public static void main(String[] args) throws Exception {
        EngineConfig config = EngineHarness.config(
                args[0],
                Path.of(args[1]),
                args[2],
                Roster.empty(),
                ScaleOutTest.TIMING,
                Optional.empty(),
                new ListenAddress("127.0.0.1", 0));
        if (args.length > 4) {
            // with a topology file and a key file: the engine runs the failover too
            config = EngineHarness.withFailover(config, Path.of(args[3]), Path.of(args[4]));
        }
        Engine engine = Engine.start(config, EngineHarness.pack(), EngineHarness.registry());
        if (!engine.awaitRunning(Duration.ofSeconds(60))) {
            System.out.println("NOT RUNNING " + engine.state());
            System.exit(1);
        }
        System.out.println("RUNNING " + engine.activeTelemetryPartitions());
        System.out.flush();
        Thread.currentThread().join();
    }
}
