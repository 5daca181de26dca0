package io.vigil.events;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys the engine seals actions with, by the node whose agent runs them. With a key per node
 * ({@link PerNode}), the key an agent holds on its host seals nothing the peer's agent accepts: whoever
 * takes one host cannot order a "promote" or "stop VM" on the other, as Pacemaker's and Kafka's own
 * members each have their own credentials. {@link Shared} is the single key every agent holds, kept
 * for configs that still name one.
 */
public sealed interface ActionSeals {
    /** The seal of actions addressed to {@code node}; empty when no key is held for it. */
    Optional<ActionSeal> of(String node);

    /** The record to send for {@code action}, sealed with its node's key; throws IllegalArgumentException when that node has none. */
    default byte[] seal(Action action) {
        return of(action.node())
                .orElseThrow(() -> new IllegalArgumentException("no action key is held for node " + action.node()
                        + ": action " + action.id() + " cannot be sealed"))
                .seal(action);
    }

    /** The action a record carries, opened with the key of the node it is addressed to; otherwise throws saying why. */
    default Action open(byte[] record) throws DecodeException {
        // the node read unverified only picks the key: the MAC over the same text then proves it
        String node = ActionSeal.claimed(record)
                .map(ActionSeal.Claimed::node)
                .orElseThrow(() -> new DecodeException("action", "names no node whose key could open it"));
        ActionSeal seal =
                of(node).orElseThrow(() -> new DecodeException("action.node", "no key is held for node " + node));
        return seal.open(record);
    }

    /** One key per node, by node name (node names are unique across a topology's clusters). */
    record PerNode(Map<String, ActionSeal> byNode) implements ActionSeals {
        public PerNode {
            byNode = Map.copyOf(byNode);
        }

        @Override
        public Optional<ActionSeal> of(String node) {
            return Optional.ofNullable(byNode.get(node));
        }
    }

    /** The one key every agent holds: an agent's host is enough to seal actions for every other node. */
    record Shared(ActionSeal seal) implements ActionSeals {
        public Shared {
            Objects.requireNonNull(seal, "seal");
        }

        @Override
        public Optional<ActionSeal> of(String node) {
            return Optional.of(seal);
        }
    }
}
