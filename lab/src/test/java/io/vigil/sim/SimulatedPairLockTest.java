package io.vigil.sim;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every state change of the pair takes the pair's lock itself, whoever calls it: while another
 * thread holds the lock, the change waits instead of racing the events2 publication and the tick.
 */
class SimulatedPairLockTest {
    private final SimulatedPair pair = SimulatedPair.seed();
    private final SimulatedHost a = pair.nodeA();
    private final SimulatedHost b = pair.nodeB();

    private final Map<String, Runnable> changes = Map.of(
            "requestShutdown", () -> a.requestShutdown("web"),
            "destroyVm", () -> a.destroyVm("web"),
            "setVmMemoryLive", () -> a.setVmMemoryLive("web", 4_194_304),
            "migrateVm", () -> a.migrateVm("web", b),
            "powerOff", () -> pair.powerOff(b),
            "powerOn", () -> pair.powerOn(b));

    @ParameterizedTest
    @ValueSource(strings = {"requestShutdown", "destroyVm", "setVmMemoryLive", "migrateVm", "powerOff", "powerOn"})
    void aChangeWaitsForThePairsLock(String change) throws InterruptedException {
        Thread changer = new Thread(
                () -> {
                    try {
                        changes.get(change).run();
                    } catch (RuntimeException refused) {
                        // a refusal (migrateVm: r0 is not Primary on node-b) still came from inside the lock
                    }
                },
                "changer-" + change);
        synchronized (pair.lock) {
            changer.start();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> changer.getState() == Thread.State.BLOCKED || !changer.isAlive());
            assertFalse(changer.getState() == Thread.State.TERMINATED, change + " changed the pair without its lock");
        }
        changer.join(5_000);
        assertFalse(changer.isAlive());
    }
}
