package dev.sotto.tensor;

import java.lang.foreign.MemorySegment;

/**
 * How one {@link GgmlType} stores weights, with a scalar reference and a vector path side by side.
 *
 * <p>Element indices are absolute within {@code data}. For block types ({@code Q8_0}, {@code Q4_0}) {@code first}
 * and {@code n} must be multiples of 32. Vector methods may only be called when {@link Simd#ENABLED}.
 */
public sealed interface WeightFormat permits F32Format, F16Format, Q8_0Format, Q4_0Format {

    GgmlType type();

    /** Scalar reference: the value of element {@code index}. */
    float get(MemorySegment data, long index);

    /** Scalar reference: {@code dst[off + i] = get(first + i)} for {@code i < n}. */
    default void dequantizeScalar(MemorySegment data, long first, float[] dst, int off, int n) {
        for (int i = 0; i < n; i++) {
            dst[off + i] = get(data, first + i);
        }
    }

    /** Vector path of {@link #dequantizeScalar}. */
    void dequantizeVector(MemorySegment data, long first, float[] dst, int off, int n);

    /** Scalar reference: sum over {@code i < n} of {@code get(first + i) * x[xOff + i]}. */
    float dotScalar(MemorySegment data, long first, float[] x, int xOff, int n);

    /** Vector path of {@link #dotScalar}; equal up to float summation order. */
    float dotVector(MemorySegment data, long first, float[] x, int xOff, int n);

    /** Dequantizes with the kernels selected by {@link Simd}. */
    default void dequantize(MemorySegment data, long first, float[] dst, int off, int n) {
        if (Simd.ENABLED) {
            dequantizeVector(data, first, dst, off, n);
        } else {
            dequantizeScalar(data, first, dst, off, n);
        }
    }

    /** Dot product with the kernels selected by {@link Simd}. */
    default float dot(MemorySegment data, long first, float[] x, int xOff, int n) {
        return Simd.ENABLED ? dotVector(data, first, x, xOff, n) : dotScalar(data, first, x, xOff, n);
    }

    /**
     * Encodes {@code n} values (a whole number of blocks) into {@code dst} at byte offset {@code dstOffset},
     * bit-compatible with ggml's reference quantizers.
     */
    void quantize(float[] src, int off, int n, MemorySegment dst, long dstOffset);
}
