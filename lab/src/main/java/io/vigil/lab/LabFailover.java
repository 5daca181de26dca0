package io.vigil.lab;

import io.vigil.events.ActionSeal;
import io.vigil.events.ActionSeals;
import io.vigil.rules.config.EngineConfig;
import io.vigil.service.config.ConfigException;
import io.vigil.service.topology.TopologyFile;
import io.vigil.service.topology.TopologyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the lab's failover runs on, as files in its data directory, as on a real host: the lab's
 * topology (lab-topology.yaml, which the engine and both agents read), the keys actions are sealed
 * with, one per node as the recommended setup has them (action-keys/node-a.key, node-b.key: the
 * engine's key_dir, each agent given its own node's file), and the engine API's bearer token
 * (engine.token). The secrets are made once, random and readable by their owner only (0600), and
 * used again by a lab restarted on the same --data-dir: actions already on vigil.actions were
 * sealed with those keys, and a terminal that read the token keeps working.
 */
public record LabFailover(Path topology, Path keyDir, Path apiToken) {
    static final String TOPOLOGY = "lab-topology.yaml";
    static final String KEY_DIR = "action-keys";
    static final String API_TOKEN = "engine.token";
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Writes the topology (always the lab's own, so a stale copy never disagrees with the agents) and makes or reuses the secrets. */
    public static LabFailover in(Path dataDir) {
        return in(dataDir, Optional.empty());
    }

    /** The same with {@code topologyText} written as the topology when given (a scenario's own), else the lab's. */
    public static LabFailover in(Path dataDir, Optional<String> topologyText) {
        try {
            Files.createDirectories(dataDir);
            Path topology = dataDir.resolve(TOPOLOGY);
            if (topologyText.isPresent()) {
                Files.writeString(topology, topologyText.get(), StandardCharsets.UTF_8);
            } else {
                try (InputStream in = Lab.class.getResourceAsStream(TOPOLOGY)) {
                    Files.write(topology, in.readAllBytes());
                }
            }
            return existing(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "the lab cannot write its failover files in " + dataDir + " (" + e.getMessage()
                            + "); give it a writable --data-dir",
                    e);
        }
    }

    /**
     * The files a lab made in {@code dataDir} before, as they are: for its engine started in a JVM of
     * its own. A key missing for a node of the topology is made.
     */
    static LabFailover existing(Path dataDir) throws IOException {
        Path topology = dataDir.resolve(TOPOLOGY);
        Path keyDir = Files.createDirectories(dataDir.resolve(KEY_DIR));
        for (String node : nodes(load(topology))) {
            secret(keyDir.resolve(node + ".key"));
        }
        return new LabFailover(topology, keyDir, secret(dataDir.resolve(API_TOKEN)));
    }

    /** The key of {@code node}: the file its agent's executor.key_file names, and the engine's key_dir holds. */
    public Path actionKey(String node) {
        return keyDir.resolve(node + ".key");
    }

    /** The engine's seals: each node's actions sealed with that node's key. */
    public ActionSeals seals() {
        try {
            Map<String, ActionSeal> byNode = new LinkedHashMap<>();
            for (String node : nodes(load(topology))) {
                byNode.put(node, ActionSeal.ofKeyText(Files.readString(actionKey(node), StandardCharsets.UTF_8)));
            }
            return new ActionSeals.PerNode(byNode);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The secret in {@code file}: kept when the file holds one (its permissions narrowed to 0600
     * if they were wider), else 32 random bytes in base64 (44 characters, past the key's minimum of
     * 32 bytes), written to a file created 0600 so that no other user can read it in between.
     */
    static Path secret(Path file) throws IOException {
        if (Files.exists(file)
                && !Files.readString(file, StandardCharsets.UTF_8).isBlank()) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
            return file;
        }
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        Files.writeString(file, Base64.getEncoder().encodeToString(bytes) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    /** The engine's failover: section, over these files ({@code key_dir} as the recommended setup gives it). */
    EngineConfig.Failover engineSection() {
        try {
            return new EngineConfig.Failover(load(topology), seals());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TopologyFile load(Path topology) throws IOException {
        try {
            return TopologyLoader.load(topology);
        } catch (ConfigException e) {
            throw new IllegalStateException("the lab's topology is broken: " + e.getMessage(), e);
        }
    }

    private static List<String> nodes(TopologyFile file) {
        return file.topology().clusters().values().stream()
                .flatMap(c -> c.nodeNames().stream())
                .sorted()
                .toList();
    }
}
