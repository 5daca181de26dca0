package io.vigil.lab.view;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The notifications the lab's console receiver was given, newest last, the last {@link #KEPT} of them. */
public final class PageLog {
    static final int KEPT = 50;

    /** One notification: when, and its text (the headline, then one line per alert). */
    public record Page(Instant at, String text) {}

    private final Deque<Page> pages = new ArrayDeque<>();

    public synchronized void add(Instant at, String text) {
        pages.addLast(new Page(at, text));
        while (pages.size() > KEPT) {
            pages.removeFirst();
        }
    }

    public synchronized List<Page> last(int n) {
        List<Page> all = List.copyOf(pages);
        return all.subList(Math.max(0, all.size() - n), all.size());
    }
}
