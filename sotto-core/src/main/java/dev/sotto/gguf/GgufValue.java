package dev.sotto.gguf;

import java.util.Objects;

/**
 * One typed metadata value. Java representation by type: UINT8/INT8 -> Byte, UINT16/INT16 -> Short,
 * UINT32/INT32 -> Integer, UINT64/INT64 -> Long (unsigned types keep their bits), FLOAT32 -> Float,
 * FLOAT64 -> Double, BOOL -> Boolean, STRING -> String, ARRAY -> {@link GgufArray}.
 */
public record GgufValue(GgufValueType type, Object value) {

    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        Class<?> expected = switch (type) {
            case UINT8, INT8 -> Byte.class;
            case UINT16, INT16 -> Short.class;
            case UINT32, INT32 -> Integer.class;
            case UINT64, INT64 -> Long.class;
            case FLOAT32 -> Float.class;
            case FLOAT64 -> Double.class;
            case BOOL -> Boolean.class;
            case STRING -> String.class;
            case ARRAY -> GgufArray.class;
        };
        if (value.getClass() != expected) {
            throw new IllegalArgumentException(type + " value needs a " + expected.getSimpleName() + ", got " + value.getClass().getSimpleName());
        }
    }

    public static GgufValue ofString(String s) {
        return new GgufValue(GgufValueType.STRING, s);
    }

    public static GgufValue ofUInt32(int bits) {
        return new GgufValue(GgufValueType.UINT32, bits);
    }

    public static GgufValue ofInt32(int v) {
        return new GgufValue(GgufValueType.INT32, v);
    }

    public static GgufValue ofUInt64(long bits) {
        return new GgufValue(GgufValueType.UINT64, bits);
    }

    public static GgufValue ofFloat32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, v);
    }

    public static GgufValue ofFloat64(double v) {
        return new GgufValue(GgufValueType.FLOAT64, v);
    }

    public static GgufValue ofBool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, v);
    }

    public static GgufValue ofArray(GgufArray a) {
        return new GgufValue(GgufValueType.ARRAY, a);
    }

    /** An integer value as a long, unsigned types zero-extended; a UINT64 above Long.MAX_VALUE is an error. */
    public long asLong() {
        long v = switch (type) {
            case UINT8 -> Byte.toUnsignedLong((Byte) value);
            case INT8 -> (Byte) value;
            case UINT16 -> Short.toUnsignedLong((Short) value);
            case INT16 -> (Short) value;
            case UINT32 -> Integer.toUnsignedLong((Integer) value);
            case INT32 -> (Integer) value;
            case UINT64, INT64 -> (Long) value;
            default -> throw new IllegalStateException("not an integer but " + type);
        };
        if (type == GgufValueType.UINT64 && v < 0) {
            throw new ArithmeticException("UINT64 value " + Long.toUnsignedString(v) + " does not fit a long");
        }
        return v;
    }

    /** A float or integer value as a double. */
    public double asDouble() {
        return switch (type) {
            case FLOAT32 -> (Float) value;
            case FLOAT64 -> (Double) value;
            default -> asLong();
        };
    }

    public String asString() {
        if (type != GgufValueType.STRING) {
            throw new IllegalStateException("not a string but " + type);
        }
        return (String) value;
    }

    public boolean asBool() {
        if (type != GgufValueType.BOOL) {
            throw new IllegalStateException("not a bool but " + type);
        }
        return (Boolean) value;
    }

    public GgufArray asArray() {
        if (type != GgufValueType.ARRAY) {
            throw new IllegalStateException("not an array but " + type);
        }
        return (GgufArray) value;
    }

    @Override
    public String toString() {
        return switch (type) {
            case UINT8, UINT16, UINT32 -> Long.toString(asLong());
            case UINT64 -> Long.toUnsignedString((Long) value);
            default -> display(value);
        };
    }

    static String display(Object v) {
        if (v instanceof String s) {
            String shown = s.length() > 80 ? s.substring(0, 77) + "..." : s;
            return '"' + shown.replace("\n", "\\n") + '"';
        }
        return String.valueOf(v);
    }
}
