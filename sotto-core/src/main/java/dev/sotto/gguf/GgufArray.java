package dev.sotto.gguf;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Objects;

/**
 * A metadata array: element type plus a Java array holding the values. UINT8/INT8 -> byte[], UINT16/INT16 ->
 * short[], UINT32/INT32 -> int[], UINT64/INT64 -> long[], FLOAT32 -> float[], FLOAT64 -> double[], BOOL ->
 * boolean[], STRING -> String[], ARRAY -> GgufArray[] (nested). Unsigned values keep their bits.
 */
public record GgufArray(GgufValueType elementType, Object values) {

    public GgufArray {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, "values");
        Class<?> expected = javaArrayClass(elementType);
        if (values.getClass() != expected) {
            throw new IllegalArgumentException(elementType + " array needs a " + expected.getSimpleName() + ", got " + values.getClass().getSimpleName());
        }
    }

    static Class<?> javaArrayClass(GgufValueType t) {
        return switch (t) {
            case UINT8, INT8 -> byte[].class;
            case UINT16, INT16 -> short[].class;
            case UINT32, INT32 -> int[].class;
            case UINT64, INT64 -> long[].class;
            case FLOAT32 -> float[].class;
            case FLOAT64 -> double[].class;
            case BOOL -> boolean[].class;
            case STRING -> String[].class;
            case ARRAY -> GgufArray[].class;
        };
    }

    public static GgufArray ofStrings(String... values) {
        return new GgufArray(GgufValueType.STRING, values.clone());
    }

    public static GgufArray ofInts(int... values) {
        return new GgufArray(GgufValueType.INT32, values.clone());
    }

    public static GgufArray ofFloats(float... values) {
        return new GgufArray(GgufValueType.FLOAT32, values.clone());
    }

    public int length() {
        return Array.getLength(values);
    }

    /** The strings of a STRING array. */
    public String[] strings() {
        if (elementType != GgufValueType.STRING) {
            throw new IllegalStateException("not a string array but " + elementType);
        }
        return ((String[]) values).clone();
    }

    /** Element {@code i} of an integer array as a long (unsigned types zero-extended). */
    public long integerAt(int i) {
        return switch (elementType) {
            case UINT8 -> Byte.toUnsignedLong(((byte[]) values)[i]);
            case INT8 -> ((byte[]) values)[i];
            case UINT16 -> Short.toUnsignedLong(((short[]) values)[i]);
            case INT16 -> ((short[]) values)[i];
            case UINT32 -> Integer.toUnsignedLong(((int[]) values)[i]);
            case INT32 -> ((int[]) values)[i];
            case UINT64, INT64 -> ((long[]) values)[i];
            default -> throw new IllegalStateException("not an integer array but " + elementType);
        };
    }

    /** Element {@code i} of a float array as a double. */
    public double floatAt(int i) {
        return switch (elementType) {
            case FLOAT32 -> ((float[]) values)[i];
            case FLOAT64 -> ((double[]) values)[i];
            default -> throw new IllegalStateException("not a float array but " + elementType);
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufArray a && a.elementType == elementType && Objects.deepEquals(a.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * elementType.hashCode() + Arrays.deepHashCode(new Object[] {values});
    }

    @Override
    public String toString() {
        int n = length();
        StringBuilder sb = new StringBuilder().append(elementType).append('[').append(n).append("]{");
        for (int i = 0; i < Math.min(n, 8); i++) {
            sb.append(i == 0 ? "" : ", ").append(GgufValue.display(Array.get(values, i)));
        }
        return sb.append(n > 8 ? ", ...}" : "}").toString();
    }
}
