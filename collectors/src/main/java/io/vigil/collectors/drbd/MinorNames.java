package io.vigil.collectors.drbd;

import io.vigil.collectors.command.Command;
import io.vigil.collectors.command.CommandException;
import io.vigil.collectors.command.CommandResult;
import io.vigil.collectors.command.CommandRunner;
import io.vigil.collectors.drbd.ProcDrbdParser.MinorName;
import io.vigil.events.Name;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds which resource and volume each DRBD 8 minor belongs to, from the DRBD configuration:
 * {@code drbdadm sh-resources} lists the resource names, {@code drbdadm sh-minor <res>} prints the
 * minor of each of its volumes, one per line, in volume order. Where drbdadm is missing or fails,
 * the map is empty and minors are published as {@code minor-N}. Names are checked before they are
 * passed back to drbdadm.
 */
final class MinorNames {
    private static final Logger log = LoggerFactory.getLogger(MinorNames.class);

    private MinorNames() {}

    static Map<Integer, MinorName> resolve(CommandRunner runner, Duration timeout) {
        Map<Integer, MinorName> names = new HashMap<>();
        try {
            CommandResult resources = runner.run(Command.of("drbdadm", "sh-resources"), timeout);
            if (resources.exitCode() != 0) {
                log.info(
                        "drbdadm sh-resources exited with {}; publishing DRBD 8 minors as minor-N",
                        resources.exitCode());
                return names;
            }
            for (String resource : resources.stdout().trim().split("\\s+")) {
                if (resource.isEmpty()) {
                    continue;
                }
                if (!Name.isValid(resource)) {
                    log.warn(
                            "drbdadm sh-resources listed an invalid resource name '{}'; skipped",
                            Name.printable(resource));
                    continue;
                }
                CommandResult minors = runner.run(Command.of("drbdadm", "sh-minor", resource), timeout);
                if (minors.exitCode() == 0) {
                    names.putAll(minorsOf(resource, minors.stdout()));
                }
            }
        } catch (CommandException e) {
            log.info("cannot map DRBD 8 minors to resources ({}); publishing them as minor-N", e.getMessage());
        }
        return names;
    }

    /** The minors drbdadm sh-minor printed for one resource, volume numbers in order. */
    static Map<Integer, MinorName> minorsOf(String resource, String shMinorOutput) {
        Map<Integer, MinorName> names = new HashMap<>();
        int volume = 0;
        for (String line : shMinorOutput.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.matches("\\d{1,7}")) {
                names.put(Integer.parseInt(trimmed), new MinorName(resource, volume++));
            }
        }
        return names;
    }
}
