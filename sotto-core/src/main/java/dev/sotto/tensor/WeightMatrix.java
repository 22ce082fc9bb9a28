package dev.sotto.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A read-only row-major matrix of weights [rows, cols] in any supported {@link GgmlType}: row {@code r}
 * occupies bytes {@code [r * rowBytes, (r + 1) * rowBytes)} of {@code data}. Usually a slice of a mapped
 * model file; never copied.
 */
public record WeightMatrix(GgmlType type, int rows, int cols, MemorySegment data) {

    public WeightMatrix {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        if (!type.hasKernels()) {
            throw new IllegalArgumentException("no kernels for tensor type " + type);
        }
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("matrix shape must be positive, got [" + rows + ", " + cols + "]");
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows need a multiple of " + type.blockSize() + " columns, got " + cols);
        }
        long expected = Math.multiplyExact((long) rows, type.bytesFor(cols));
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException("[" + rows + ", " + cols + "] " + type + " needs " + expected + " bytes, got " + data.byteSize());
        }
    }

    /** Bytes per row. */
    public long rowBytes() {
        return type.bytesFor(cols);
    }

    public WeightFormat format() {
        return type.format();
    }

    /** Element (r, c), scalar reference path. */
    public float get(int r, int c) {
        return format().get(data, (long) r * cols + c);
    }

    /** Dot product of row {@code r} with {@code x[xOff .. xOff + cols)}. */
    public float dotRow(int r, float[] x, int xOff) {
        return format().dot(data, (long) r * cols, x, xOff, cols);
    }

    /** Dequantizes row {@code r} into {@code dst[off .. off + cols)}. */
    public void dequantizeRow(int r, float[] dst, int off) {
        format().dequantize(data, (long) r * cols, dst, off, cols);
    }

    /** Dequantizes rows {@code [r0, r1)} into {@code dst}, row after row from {@code off}. */
    public void dequantizeRows(int r0, int r1, float[] dst, int off) {
        format().dequantize(data, (long) r0 * cols, dst, off, (r1 - r0) * cols);
    }

    /** Quantizes a row-major float matrix into a new heap segment of the given type. */
    public static WeightMatrix quantize(float[] values, int rows, int cols, GgmlType type) {
        if ((long) rows * cols != values.length) {
            throw new IllegalArgumentException("expected " + ((long) rows * cols) + " values, got " + values.length);
        }
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows need a multiple of " + type.blockSize() + " columns, got " + cols);
        }
        MemorySegment data = Arena.ofAuto().allocate(type.bytesFor((long) rows * cols), 64);
        type.format().quantize(values, 0, values.length, data, 0);
        return new WeightMatrix(type, rows, cols, data);
    }
}
