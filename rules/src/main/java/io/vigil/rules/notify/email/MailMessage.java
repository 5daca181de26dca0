package io.vigil.rules.notify.email;

import io.vigil.events.Alert;
import io.vigil.rules.notify.Headline;
import io.vigil.rules.notify.Notification;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A notification as a mail: the subject (state, severity, cluster, summary), a plain-text body
 * and an HTML one with the facts an operator needs at 3 a.m. (which host, which resource or disk,
 * since when, what the rule says, the runbook). Every text that came from an alert is escaped in
 * the HTML: annotations carry what hosts reported.
 */
record MailMessage(String subject, String text, String html) {
    private static final Set<String> THING_LABELS =
            Set.of("resource", "device", "device_type", "volume", "peer", "vm", "vg", "lv", "probe");

    static MailMessage of(Notification n) {
        StringBuilder text = new StringBuilder();
        StringBuilder html = new StringBuilder("<html><body style=\"font-family: sans-serif\">");
        section(text, html, "Firing", n.firing());
        section(text, html, "Resolved", n.resolved());
        text.append("\n--\nVigil, ").append(n.externalUrl()).append("/api/alerts\n");
        html.append("<p style=\"color:#777\">Vigil, <a href=\"")
                .append(escape(n.externalUrl()))
                .append("/api/alerts\">")
                .append(escape(n.externalUrl()))
                .append("/api/alerts</a></p></body></html>");
        return new MailMessage(Headline.of(n), text.toString(), html.toString());
    }

    private static void section(StringBuilder text, StringBuilder html, String title, List<Alert> alerts) {
        if (alerts.isEmpty()) {
            return;
        }
        text.append(title).append(" (").append(alerts.size()).append(")\n\n");
        html.append("<h2>").append(title).append(" (").append(alerts.size()).append(")</h2>");
        for (Alert a : alerts) {
            Map<String, String> l = a.labels();
            String summary = a.annotations().getOrDefault("summary", a.rule());
            text.append("* ").append(summary).append('\n');
            text.append("  alert:    ")
                    .append(a.rule())
                    .append(" (")
                    .append(l.getOrDefault("severity", ""))
                    .append(")\n");
            text.append("  host:     ")
                    .append(l.getOrDefault("node", ""))
                    .append(" in ")
                    .append(l.getOrDefault("cluster", ""))
                    .append('\n');
            html.append("<h3>").append(escape(summary)).append("</h3><table>");
            row(html, "alert", a.rule() + " (" + l.getOrDefault("severity", "") + ")");
            row(html, "host", l.getOrDefault("node", "") + " in " + l.getOrDefault("cluster", ""));
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(l).entrySet()) {
                if (THING_LABELS.contains(e.getKey())) {
                    text.append("  ")
                            .append(pad(e.getKey() + ":"))
                            .append(e.getValue())
                            .append('\n');
                    row(html, e.getKey(), e.getValue());
                }
            }
            String since = a.firedAt().orElse(a.activeAt()).toString();
            text.append("  since:    ").append(since).append('\n');
            row(html, "since", since);
            a.resolvedAt().ifPresent(r -> {
                text.append("  resolved: ").append(r).append('\n');
                row(html, "resolved", r.toString());
            });
            String description = a.annotations().get("description");
            if (description != null) {
                text.append("  ").append(description.replace("\n", "\n  ")).append('\n');
                row(html, "what", description);
            }
            String runbook = a.annotations().get("runbook_url");
            if (runbook != null) {
                text.append("  runbook:  ").append(runbook).append('\n');
                html.append("<tr><td><b>runbook</b></td><td>");
                if (runbook.startsWith("http://") || runbook.startsWith("https://")) {
                    html.append("<a href=\"")
                            .append(escape(runbook))
                            .append("\">")
                            .append(escape(runbook))
                            .append("</a>");
                } else {
                    html.append(escape(runbook));
                }
                html.append("</td></tr>");
            }
            html.append("</table>");
            text.append('\n');
        }
    }

    private static String pad(String s) {
        return s.length() >= 10 ? s + " " : s + " ".repeat(10 - s.length());
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><td><b>")
                .append(escape(name))
                .append("</b></td><td>")
                .append(escape(value))
                .append("</td></tr>");
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
