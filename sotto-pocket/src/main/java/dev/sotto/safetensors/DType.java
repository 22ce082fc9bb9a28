package dev.sotto.safetensors;

import java.util.Optional;

/** The element types of the safetensors format, by their names in the header, with their sizes. */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2), I64(8), I32(4), I16(2), I8(1), U8(1), U64(8), U32(4), U16(2), BOOL(1), F8_E4M3(1), F8_E5M2(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Whether {@link SafetensorsFile#floats} reads this type (widening to float). */
    public boolean isFloat() {
        return this == F32 || this == F16 || this == BF16;
    }

    public static Optional<DType> byName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
