package io.vigil.rules.stream;

import io.vigil.events.Topics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the engine does with a record Kafka refuses to take (too large, invalid): it is skipped,
 * counted ({@code vigil_engine_records_dropped_total}) and logged with the record it came from,
 * and the engine goes on. Kafka Streams' default is to fail, which kills the stream thread; the
 * replaced thread reads the same input, makes the same output and dies again, for ever, and no
 * alert is evaluated any more. A transient failure (a broker away) is still retried.
 *
 * <p>Under exactly-once a refused send also aborts the transaction, so the stream thread dies
 * once and its replacement reads the same input again; {@link RefusedSizes} remembers the
 * size refused so that the second time a smaller record is made, or none; a dead letter refused
 * for another reason (a compacted topic, and the record has no key) stops the dead letters, so
 * that one thread is replaced, not three and then the engine. Dead letters and alerts are cut to fit
 * before they are sent ({@link DeadLetters}), so this is the last line, for what cannot be
 * foreseen (a broker whose limits are lower than the defaults).
 */
public final class UndeliverableRecords implements ProductionExceptionHandler {
    /** The config keys under which the engine hands its metrics and its memory of refusals to this handler, which Kafka Streams creates. */
    static final String METRICS_CONFIG = "vigil.engine.metrics";

    static final String REFUSED_CONFIG = "vigil.engine.refused";
    private static final Logger log = LoggerFactory.getLogger(UndeliverableRecords.class);

    private EngineMetrics metrics;
    private RefusedSizes refused;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = (EngineMetrics) configs.get(METRICS_CONFIG);
        refused = (RefusedSizes) configs.get(REFUSED_CONFIG);
    }

    @Override
    public ProductionExceptionHandlerResponse handle(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (exception instanceof RetriableException) {
            return ProductionExceptionHandlerResponse.RETRY;
        }
        if (exception instanceof RecordTooLargeException) {
            if (refused != null) {
                refused.refused(record.topic(), size(record));
            }
        } else if (record.topic().equals(Topics.DEADLETTER)) {
            // refused whatever its size: the next may be too, and under exactly-once each refusal costs a stream thread
            // (not counted here: under exactly-once the transaction is aborted, and the thread that replaces this one
            // reads
            // the same input again and counts the dead letter it leaves out)
            if (refused != null) {
                refused.refusedDeadLetter();
            }
            log.error(
                    "{} refused a dead letter (task at {}-{}@{}): {}; the engine sends no more dead letters until it restarts, and counts"
                            + " each it leaves out in vigil_engine_records_dropped_total (fix the topic: it must take records without a key, so not"
                            + " compacted; then restart the engine)",
                    record.topic(),
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    exception.toString());
            return ProductionExceptionHandlerResponse.CONTINUE;
        }
        dropped(context, record.topic(), exception);
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    private static int size(ProducerRecord<byte[], byte[]> record) {
        long bytes =
                (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header h : record.headers()) {
            bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        dropped(context, record.topic(), exception);
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    private void dropped(ErrorHandlerContext context, String topic, Exception exception) {
        if (metrics != null) {
            metrics.recordDropped(topic);
        }
        // (the context is the task's record when the broker answered, which may be a later one than made this)
        log.error(
                "a record for {} was refused (task at {}-{}@{}): {}; it is skipped and the engine carries on "
                        + "(vigil_engine_records_dropped_total counts these; check the broker's message.max.bytes and the producer's max.request.size)",
                topic,
                context.topic(),
                context.partition(),
                context.offset(),
                exception.toString());
    }
}
