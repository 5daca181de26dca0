package io.vigil.rules.notify;

import java.util.Locale;

/**
 * The one line that says what a notification is about, for a mail's subject, a chat message, a
 * console: {@code [FIRING:2] critical pair-1: node-a lost the disk under r0 (volume 0 is Failed)}.
 */
public final class Headline {
    private Headline() {}

    public static String of(Notification n) {
        var first = n.firing().isEmpty() ? n.resolved().get(0) : n.firing().get(0);
        String count = n.firing().isEmpty()
                ? "[RESOLVED" + (n.resolved().size() > 1 ? ":" + n.resolved().size() : "") + "]"
                : "[FIRING:" + n.firing().size() + "]";
        String summary = first.annotations().getOrDefault("summary", first.rule());
        String more = n.all().size() > 1
                ? String.format(Locale.ROOT, " (and %d more)", n.all().size() - 1)
                : "";
        return count + " " + first.labels().getOrDefault("severity", "") + " "
                + first.labels().getOrDefault("cluster", "") + ": " + oneLine(summary) + more;
    }

    static String oneLine(String text) {
        String flat = text.replaceAll("[\\r\\n\\t]+", " ").strip();
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
