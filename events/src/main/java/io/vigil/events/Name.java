package io.vigil.events;

import java.util.regex.Pattern;

/**
 * Identifiers that end up in Kafka keys, metric labels, file names and command arguments
 * (cluster, node, resource, VG, LV, VM names). They are checked wherever a record is built, so a
 * hostile name read off the wire or out of a tool's output never travels further.
 */
public final class Name {
    // DRBD resource names, LVM names and libvirt domain names all fit this; a leading '-' is
    // refused so a name can never be read as an option by the tools it is passed to.
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+:-]{0,127}");
    private static final Pattern DEVICE = Pattern.compile("/dev/[A-Za-z0-9_][A-Za-z0-9_./:,+-]{0,127}");

    private Name() {}

    /** Returns {@code value} when it is a safe identifier, otherwise throws naming the field. */
    public static String check(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": is missing");
        }
        if (!SAFE.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException(
                    field + ": '" + printable(value)
                            + "' is not a valid name (letters, digits and _ . + : -, not starting with '-' or '.', at most 128)");
        }
        return value;
    }

    /** Returns {@code value} when it is a device path under /dev without "..", otherwise throws. */
    public static String checkDevice(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": is missing");
        }
        if (!DEVICE.matcher(value).matches() || value.contains("..")) {
            throw new IllegalArgumentException(field + ": '" + printable(value)
                    + "' is not a device path (/dev/..., letters, digits and _ . / : , + -)");
        }
        return value;
    }

    public static boolean isValid(String value) {
        return value != null && SAFE.matcher(value).matches() && !value.contains("..");
    }

    /** A value quoted in an error message, with control characters made visible and length capped. */
    public static String printable(String value) {
        return printable(value, 80);
    }

    /** Text for a log line or an error (a tool's stderr), with control characters made visible, capped at {@code max}. */
    public static String printable(String value, int max) {
        StringBuilder out = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (out.length() >= max) {
                out.append("...");
                break;
            }
            out.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return out.toString();
    }
}
