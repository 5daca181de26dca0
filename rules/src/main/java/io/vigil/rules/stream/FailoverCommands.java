package io.vigil.rules.stream;

import io.vigil.events.FailoverCommand;
import io.vigil.events.Topics;
import io.vigil.events.WireCodec;
import io.vigil.rules.api.SagasApi;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Writes the humans' failover commands to {@code vigil.failover-commands}, keyed by cluster: the
 * default partitioner puts them in the partition of the cluster's telemetry (see {@link
 * ClusterPartition}), where the task that holds its sagas reads them in order. The producer is
 * idempotent ({@link Topics#producerGuarantees()}), so a retried send is not a second command.
 */
public final class FailoverCommands implements SagasApi.CommandWriter {
    private final Producer<String, byte[]> producer;

    public FailoverCommands(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    @Override
    public void write(FailoverCommand command) throws IOException {
        try {
            producer.send(new ProducerRecord<>(Topics.FAILOVER_COMMANDS, command.cluster(), WireCodec.encode(command)))
                    .get(15, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException | IllegalStateException e) {
            // send itself throws when the producer failed or was closed (the engine stopping)
            throw new IOException(
                    "the command could not be written to " + Topics.FAILOVER_COMMANDS + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the command", e);
        }
    }
}
