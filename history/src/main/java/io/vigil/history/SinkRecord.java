package io.vigil.history;

import io.vigil.events.Alert;
import io.vigil.events.AuditEntry;
import io.vigil.events.Envelope;
import java.util.Objects;

/** One record read from Kafka for the history, with where it was read: decoded, or unreadable (skipped, counted). */
public sealed interface SinkRecord
        permits SinkRecord.Telemetry, SinkRecord.AlertChange, SinkRecord.Audit, SinkRecord.Unreadable {
    Partition partition();

    long offset();

    record Telemetry(Envelope envelope, Partition partition, long offset) implements SinkRecord {
        public Telemetry {
            Objects.requireNonNull(envelope, "envelope");
        }
    }

    record AlertChange(Alert alert, Partition partition, long offset) implements SinkRecord {
        public AlertChange {
            Objects.requireNonNull(alert, "alert");
        }
    }

    record Audit(AuditEntry entry, Partition partition, long offset) implements SinkRecord {
        public Audit {
            Objects.requireNonNull(entry, "entry");
        }
    }

    /** A record that could not be decoded: its offset is stored so that it is read past, never again. */
    record Unreadable(String reason, Partition partition, long offset) implements SinkRecord {}
}
