package io.vigil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FootprintFloorTest {
    /** The bench runs the floors with only the agent's jar and the copied class: nothing else may be needed. */
    @Test
    void theCopiedClassRunsAloneBesideKafkasClient(@TempDir Path dir) throws Exception {
        Path kafka = Path.of(KafkaProducer.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        String classPath = FootprintFloor.copyTo(dir) + File.pathSeparator + kafka;

        Process wrong = java(classPath, "nap");
        assertTrue(wrong.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, wrong.exitValue());
        assertTrue(new String(wrong.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .contains("usage: FootprintFloor sleep | producer BOOTSTRAP TOPIC"));

        Process sleeping = java(classPath, "sleep");
        try {
            assertTrue(
                    !sleeping.waitFor(2, TimeUnit.SECONDS),
                    () -> "the sleeping floor ended (exit " + sleeping.exitValue() + ")");
        } finally {
            sleeping.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Process java(String classPath, String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                FootprintFloor.class.getName()));
        argv.addAll(List.of(args));
        return new ProcessBuilder(argv).start();
    }
}
