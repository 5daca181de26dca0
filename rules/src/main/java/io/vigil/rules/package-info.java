/**
 * The rules engine (issue 3): rules in YAML with CEL conditions over the telemetry, and the
 * alert lifecycle. Being built; nothing runs it yet.
 */
package io.vigil.rules;
