package io.vigil.lab;

import java.nio.file.Path;

/**
 * A lab in a JVM of its own, for the test that kills one with SIGKILL: the argument is its data
 * directory. Prints SETTLED once its engine runs, notifies and has read both hosts.
 */
public final class LabProcess {
    private LabProcess() {}

    public static void main(String[] args) throws Exception {
        Lab lab = Lab.start(Path.of(args[0]));
        LabRestartTest.awaitSettled(lab);
        System.out.println("SETTLED");
        System.out.flush();
        Thread.currentThread().join();
    }
}
