package io.vigil.collectors.probe;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * What a polled probe has to say beside its facts: a configured VM the hypervisor does not list,
 * a guest agent that does not answer, a drive smartctl cannot read. The facts go out on every
 * poll; the remark is logged once: when a poll first makes it, again when its words change, and
 * one line when a poll that completes no longer makes it. A condition that lasts a week is three
 * lines, not one per poll. A poll that fails ends nothing: what it did not get to is not over.
 */
public final class ProbeRemarks {
    private final Logger log;
    private final Map<String, String> said = new HashMap<>(); // subject -> the words last logged
    private final Set<String> made = new HashSet<>(); // subjects remarked on in this poll

    /** Remarks logged by {@code log}, the probe's own logger. */
    public ProbeRemarks(Logger log) {
        this.log = log;
    }

    /** Call at the start of each poll. */
    public synchronized void startPoll() {
        made.clear();
    }

    /**
     * A remark about {@code subject} ("vm: vm=web guest agent"), in {@code words} ("did not answer:
     * ..."), logged as a warning when new or changed.
     */
    public synchronized void warn(String subject, String words) {
        if (remark(subject, words)) {
            log.warn("{} {}", subject, words);
        }
    }

    /** The same, for what is worth knowing but needs no action. */
    public synchronized void info(String subject, String words) {
        if (remark(subject, words)) {
            log.info("{} {}", subject, words);
        }
    }

    /** Call when a poll completes: each remark it did not make again is over, and said so. */
    public synchronized void pollDone() {
        said.entrySet().removeIf(remark -> {
            if (made.contains(remark.getKey())) {
                return false;
            }
            log.info("{} no longer: {}", remark.getKey(), remark.getValue());
            return true;
        });
    }

    private boolean remark(String subject, String words) {
        made.add(subject);
        return !words.equals(said.put(subject, words));
    }
}
