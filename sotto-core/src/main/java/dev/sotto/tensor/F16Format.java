package dev.sotto.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** IEEE binary16, 2 bytes per element, converted with round-to-nearest-even like ggml. */
public final class F16Format implements WeightFormat {
    public static final F16Format INSTANCE = new F16Format();

    /** 2^112: rescales a half's exponent field, moved into float position, to the float bias. */
    private static final float EXPONENT_REBIAS = 0x1p112f;

    private F16Format() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public float get(MemorySegment data, long index) {
        return Float.float16ToFloat(data.get(Layouts.I16, index * 2));
    }

    /**
     * Vector half-to-float conversion of the half bits held in the low 16 bits of each int lane. Exact for all
     * 65536 inputs: the exponent/mantissa bits shifted into float position and multiplied by 2^112 give normal
     * and subnormal values; infinities and NaNs (exponent 31) are patched with a blend, NaNs made quiet as
     * Java and x86's F16C conversion do; the sign is or-ed in.
     */
    static FloatVector halfBitsToFloat(IntVector halfBits) {
        IntVector magnitude = halfBits.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        IntVector finite = shifted.reinterpretAsFloats().mul(EXPONENT_REBIAS).reinterpretAsInts();
        VectorMask<Integer> special = magnitude.compare(VectorOperators.GE, 0x7C00);
        VectorMask<Integer> nan = magnitude.compare(VectorOperators.GT, 0x7C00);
        IntVector infOrNan = shifted.or(0x7F800000).lanewise(VectorOperators.OR, 0x00400000, nan);
        IntVector bits = finite.blend(infOrNan, special);
        IntVector sign = halfBits.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return bits.or(sign).reinterpretAsFloats();
    }

    /** Converts part {@code part} of a loaded short vector to floats. */
    private static FloatVector convert(ShortVector halves, int part) {
        IntVector bits = (IntVector) halves.convertShape(VectorOperators.S2I, Vectors.I, part);
        return halfBitsToFloat(bits);
    }

    @Override
    public void dequantizeVector(MemorySegment data, long first, float[] dst, int off, int n) {
        int step = Vectors.S.length();
        int lanes = Vectors.L;
        int i = 0;
        for (; i + step <= n; i += step) {
            ShortVector h = ShortVector.fromMemorySegment(Vectors.S, data, (first + i) * 2, ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < Vectors.S_PARTS; p++) {
                convert(h, p).intoArray(dst, off + i + p * lanes);
            }
        }
        for (; i < n; i++) {
            dst[off + i] = get(data, first + i);
        }
    }

    @Override
    public float dotScalar(MemorySegment data, long first, float[] x, int xOff, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += get(data, first + i) * x[xOff + i];
        }
        return sum;
    }

    @Override
    public float dotVector(MemorySegment data, long first, float[] x, int xOff, int n) {
        var f = Vectors.F;
        int step = Vectors.S.length();
        int lanes = Vectors.L;
        FloatVector a0 = FloatVector.zero(f), a1 = a0;
        int i = 0;
        for (; i + step <= n; i += step) {
            ShortVector h = ShortVector.fromMemorySegment(Vectors.S, data, (first + i) * 2, ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < Vectors.S_PARTS; p++) {
                FloatVector w = convert(h, p);
                FloatVector xv = FloatVector.fromArray(f, x, xOff + i + p * lanes);
                if ((p & 1) == 0) {
                    a0 = w.fma(xv, a0);
                } else {
                    a1 = w.fma(xv, a1);
                }
            }
        }
        float sum = a0.add(a1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            sum += get(data, first + i) * x[xOff + i];
        }
        return sum;
    }

    @Override
    public void quantize(float[] src, int off, int n, MemorySegment dst, long dstOffset) {
        for (int i = 0; i < n; i++) {
            dst.set(Layouts.I16, dstOffset + 2L * i, Float.floatToFloat16(src[off + i]));
        }
    }
}
