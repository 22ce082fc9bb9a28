package dev.sotto.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** IEEE binary32, 4 bytes per element. */
public final class F32Format implements WeightFormat {
    public static final F32Format INSTANCE = new F32Format();

    private F32Format() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public float get(MemorySegment data, long index) {
        return data.get(Layouts.F32, index * 4);
    }

    @Override
    public void dequantizeVector(MemorySegment data, long first, float[] dst, int off, int n) {
        MemorySegment.copy(data, Layouts.F32, first * 4, dst, off, n);
    }

    @Override
    public float dotScalar(MemorySegment data, long first, float[] x, int xOff, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += data.get(Layouts.F32, (first + i) * 4) * x[xOff + i];
        }
        return sum;
    }

    @Override
    public float dotVector(MemorySegment data, long first, float[] x, int xOff, int n) {
        var f = Vectors.F;
        int lanes = Vectors.L;
        long base = first * 4;
        // Four independent accumulators hide the FMA latency.
        FloatVector a0 = FloatVector.zero(f), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int end = n - 4 * lanes; i <= end; i += 4 * lanes) {
            long b = base + 4L * i;
            a0 = FloatVector.fromMemorySegment(f, data, b, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(f, x, xOff + i), a0);
            a1 = FloatVector.fromMemorySegment(f, data, b + 4L * lanes, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(f, x, xOff + i + lanes), a1);
            a2 = FloatVector.fromMemorySegment(f, data, b + 8L * lanes, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(f, x, xOff + i + 2 * lanes), a2);
            a3 = FloatVector.fromMemorySegment(f, data, b + 12L * lanes, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(f, x, xOff + i + 3 * lanes), a3);
        }
        for (int end = n - lanes; i <= end; i += lanes) {
            a0 = FloatVector.fromMemorySegment(f, data, base + 4L * i, ByteOrder.LITTLE_ENDIAN).fma(FloatVector.fromArray(f, x, xOff + i), a0);
        }
        float sum = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += data.get(Layouts.F32, base + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    @Override
    public void quantize(float[] src, int off, int n, MemorySegment dst, long dstOffset) {
        MemorySegment.copy(src, off, dst, Layouts.F32, dstOffset, n);
    }
}
