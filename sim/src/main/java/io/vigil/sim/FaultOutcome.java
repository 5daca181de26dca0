package io.vigil.sim;

/** What came of a fault: applied, or refused with the reason (unknown host, disk already failed, ...). */
public record FaultOutcome(boolean applied, String message) {}
