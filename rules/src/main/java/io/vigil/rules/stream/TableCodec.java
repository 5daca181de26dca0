package io.vigil.rules.stream;

import io.vigil.events.DecodeException;
import io.vigil.events.WireCodec;
import io.vigil.rules.engine.PreviousBody;

/** How a table's values are kept as bytes in its store. */
interface TableCodec<V> {
    byte[] encode(V value);

    V decode(byte[] bytes) throws DecodeException;

    String describe();

    /** JSON, as on the wire. */
    static <V> TableCodec<V> json(Class<V> type) {
        return new TableCodec<>() {
            @Override
            public byte[] encode(V value) {
                return WireCodec.encode(value);
            }

            @Override
            public V decode(byte[] bytes) throws DecodeException {
                return WireCodec.decode(bytes, type);
            }

            @Override
            public String describe() {
                return type.getSimpleName();
            }
        };
    }

    /** Previous bodies: their own compact form. */
    TableCodec<PreviousBody> PREVIOUS = new TableCodec<>() {
        @Override
        public byte[] encode(PreviousBody value) {
            return value.toBytes();
        }

        @Override
        public PreviousBody decode(byte[] bytes) throws DecodeException {
            try {
                return PreviousBody.fromBytes(bytes);
            } catch (IllegalArgumentException e) {
                throw new DecodeException("", e.getMessage());
            }
        }

        @Override
        public String describe() {
            return "PreviousBody";
        }
    };
}
