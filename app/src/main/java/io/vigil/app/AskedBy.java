package io.vigil.app;

import io.vigil.events.Name;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --by}: who gives a failover command, for the audit trail; $USER when not given. */
final class AskedBy {
    @Option(names = "--by", paramLabel = "NAME", description = "who asks, for the audit trail (default: $USER)")
    String given;

    /** The name; empty, having said why on {@code err}, when it is not one. {@code command}: "vigil approve". */
    Optional<String> name(String command, PrintWriter err) {
        if (given != null) {
            if (Name.isValid(given)) {
                return Optional.of(given);
            }
            err.println(command + ": --by '" + Name.printable(given) + "' is not a name (letters, digits, _ . + : -)");
            return Optional.empty();
        }
        // a login such as j.doe@corp is not a name: the user did not write it, so say where it came from
        String user = System.getProperty("user.name", "unknown");
        if (Name.isValid(user)) {
            return Optional.of(user);
        }
        err.println(
                command + ": --by defaults to $USER ('" + Name.printable(user) + "'), which is not a name; pass --by");
        return Optional.empty();
    }
}
