package io.vigil.history.query;

/** One figure over one step: how many values it had, and their p50, p95, p99 and max. */
public record Quantiles(long count, double p50, double p95, double p99, double max) {}
