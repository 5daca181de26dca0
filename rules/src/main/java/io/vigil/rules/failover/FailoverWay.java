package io.vigil.rules.failover;

import java.util.Locale;

/** The way out a saga took, decided from the facts when it started. */
public enum FailoverWay {
    /**
     * The failing host still answers but lost its disk (a diskless Primary reading and writing
     * through the peer), or is about to (an evacuate_on alert): its VMs live-migrate, no restart.
     */
    LIVE_EVACUATION("live evacuation"),
    /** The host is gone: fence it (or take DRBD's word that it is Outdated), promote the survivor, cold-start. */
    HOST_LOST("host lost");

    private final String words;

    FailoverWay(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }

    /** "live-evacuation": how the API and the metrics name it. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
