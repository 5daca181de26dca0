package io.vigil.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** The agent bench's baseline: the same JVM with the same flags, doing nothing. */
@Command(name = "idle", hidden = true, description = "sleeps until killed (baseline for 'bench agent')")
final class IdleCommand implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
        return 0;
    }
}
