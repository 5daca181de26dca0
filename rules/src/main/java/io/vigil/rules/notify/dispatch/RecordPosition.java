package io.vigil.rules.notify.dispatch;

/** A record's place on vigil.alerts: partition and offset. */
public record RecordPosition(int partition, long offset) {}
