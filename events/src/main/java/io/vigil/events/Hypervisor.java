package io.vigil.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Which toolstack reported a VM. */
public enum Hypervisor implements WireEnum {
    LIBVIRT("libvirt"),
    XEN("xen");

    private final String wire;

    Hypervisor(String wire) {
        this.wire = wire;
    }

    @Override
    @JsonValue
    public String wire() {
        return wire;
    }

    @JsonCreator
    public static Hypervisor of(String word) {
        return WireEnum.parse(Hypervisor.class, word);
    }
}
