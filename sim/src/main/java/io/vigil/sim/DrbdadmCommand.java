package io.vigil.sim;

import io.vigil.events.Name;
import java.util.List;

/**
 * {@code drbdadm} as the failover executor runs it: {@code primary RES}, {@code secondary RES},
 * {@code net-options --allow-two-primaries=yes|no RES}. drbdadm runs drbdsetup, which prints the
 * kernel's refusal ("r0: State change failed: (-2) Need access to UpToDate data") and exits 17 for
 * "no UpToDate data", 11 for any other refused state change and 10 for a refused configuration
 * (drbd-utils user/v9/drbdsetup.c print_config_error); drbdadm then names the failed command
 * (user/shared/shared_main.c) and exits with its status. A resource drbdadm does not know exits 1.
 */
final class DrbdadmCommand {
    private DrbdadmCommand() {}

    static ToolAnswers.Answer answer(SimulatedHost host, List<String> argv) {
        List<String> args = argv.subList(1, argv.size());
        try {
            if (args.size() == 2 && args.get(0).equals("primary")) {
                known(host, args.get(1));
                host.promote(args.get(1));
                return ToolAnswers.Answer.ok("");
            }
            if (args.size() == 2 && args.get(0).equals("secondary")) {
                known(host, args.get(1));
                host.demote(args.get(1));
                return ToolAnswers.Answer.ok("");
            }
            if (args.size() == 3
                    && args.get(0).equals("net-options")
                    && (args.get(1).equals("--allow-two-primaries=yes")
                            || args.get(1).equals("--allow-two-primaries=no"))) {
                known(host, args.get(2));
                host.allowTwoPrimaries(args.get(2), args.get(1).endsWith("=yes"));
                return ToolAnswers.Answer.ok("");
            }
        } catch (ToolRefusal refusal) {
            return new ToolAnswers.Answer(refusal.exitCode, "", refusal.stderr);
        }
        return ToolAnswers.notSimulated(argv);
    }

    private static String known(SimulatedHost host, String resource) {
        if (!host.resources.containsKey(resource)) {
            throw new ToolRefusal(1, "'" + Name.printable(resource) + "' not defined in your config (for this host).");
        }
        return resource;
    }

    /** A refused role change: the kernel's reason, then drbdadm's line naming the drbdsetup call. */
    static ToolRefusal stateChangeFailed(String resource, String command, int code, String reason) {
        int exit = code == -2 ? 17 : 11;
        return new ToolRefusal(
                exit,
                resource + ": State change failed: (" + code + ") " + reason + "\n" + "Command 'drbdsetup " + command
                        + " " + resource + "' terminated with exit code " + exit + "\n");
    }

    /** A refused net-options change (an error code above 100: "Failure", exit 10). */
    static ToolRefusal netOptionsFailed(String resource, int peerNodeId, boolean allow, int code, String reason) {
        return new ToolRefusal(
                10,
                resource + ": Failure: (" + code + ") " + reason + "\n"
                        + "Command 'drbdsetup net-options " + resource + " " + peerNodeId + " --allow-two-primaries="
                        + (allow ? "yes" : "no")
                        + "' terminated with exit code 10\n");
    }
}
