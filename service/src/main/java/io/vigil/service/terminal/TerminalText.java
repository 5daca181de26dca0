package io.vigil.service.terminal;

/**
 * Text read off the wire (an alert's summary, a silence's comment, a label's value) made safe to
 * print on a terminal: control characters, which could move the cursor, clear the screen, retitle
 * the window or hide text (ESC sequences, C1 controls, bidirectional overrides), are shown as
 * {@code \x1b} or {@code \u202e} instead of being sent. Unlike {@code Name.printable}, which quotes
 * a value in an error message, the text keeps its length.
 */
public final class TerminalText {
    private TerminalText() {}

    /** {@code text} with every control character made visible; a line break too, so one field stays one line. */
    public static String of(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String shown = c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)
                    ? String.format("\\x%02x", (int) c)
                    : (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                            ? String.format("\\u%04x", (int) c)
                            : null;
            if (shown != null && out == null) {
                out = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (out != null) {
                if (shown != null) {
                    out.append(shown);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }
}
