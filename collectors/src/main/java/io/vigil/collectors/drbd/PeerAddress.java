package io.vigil.collectors.drbd;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peer IP of a DRBD path address ("ipv4:10.0.0.2:7789", "ipv6:[fd00::2]:7789"), checked
 * strictly because it becomes an argument of {@code ping}: a dotted quad of 0-255 octets, or an
 * IPv6 literal of hex groups and colons (optionally ending in a dotted quad). Anything else,
 * including host names, zone ids and anything starting with '-', is refused.
 */
final class PeerAddress {
    private static final Pattern IPV4_PATH = Pattern.compile("ipv4:([0-9.]{7,15}):\\d{1,5}");
    private static final Pattern IPV6_PATH = Pattern.compile("ipv6:\\[([0-9A-Fa-f:.]{2,45})\\]:\\d{1,5}");
    private static final Pattern OCTET = Pattern.compile("25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");

    private PeerAddress() {}

    /** The IP to ping for a path's peer address, or empty when it is not a plain IPv4/IPv6 address. */
    static Optional<String> ipOf(String pathAddress) {
        Matcher v4 = IPV4_PATH.matcher(pathAddress);
        if (v4.matches()) {
            return isIpv4(v4.group(1)) ? Optional.of(v4.group(1)) : Optional.empty();
        }
        Matcher v6 = IPV6_PATH.matcher(pathAddress);
        if (v6.matches()) {
            return isIpv6(v6.group(1)) ? Optional.of(v6.group(1)) : Optional.empty();
        }
        return Optional.empty();
    }

    static boolean isIpv4(String ip) {
        String[] octets = ip.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (!OCTET.matcher(octet).matches()) {
                return false;
            }
        }
        return true;
    }

    static boolean isIpv6(String ip) {
        String body = ip;
        int groupsNeeded = 8;
        int lastColon = ip.lastIndexOf(':');
        if (ip.indexOf('.') >= 0) {
            // an embedded IPv4 tail ("::ffff:10.0.0.2") counts as two groups
            if (!isIpv4(ip.substring(lastColon + 1))) {
                return false;
            }
            body = ip.substring(0, lastColon + 1) + "0:0";
        }
        int doubleColon = body.indexOf("::");
        if (doubleColon >= 0 && body.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] parts = body.split(":", -1);
        int groups = 0;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty()) {
                // only allowed as part of the one "::" (which may sit at either end)
                boolean inDouble = doubleColon >= 0;
                if (!inDouble) {
                    return false;
                }
                continue;
            }
            if (!HEX_GROUP.matcher(part).matches()) {
                return false;
            }
            groups++;
        }
        return doubleColon >= 0 ? groups < groupsNeeded : groups == groupsNeeded;
    }
}
