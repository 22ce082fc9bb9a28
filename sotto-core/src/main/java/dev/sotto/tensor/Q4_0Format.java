package dev.sotto.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q4_0: blocks of 32 weights in 18 bytes, an fp16 scale {@code d} then 16 bytes; byte {@code j} holds
 * weight {@code j} in its low nibble and weight {@code j + 16} in its high nibble; weight = {@code (q - 8) * d}.
 */
public final class Q4_0Format implements WeightFormat {
    public static final Q4_0Format INSTANCE = new Q4_0Format();
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 18;

    private Q4_0Format() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    private static float scale(MemorySegment data, long blockOffset) {
        return Float.float16ToFloat(data.get(Layouts.I16, blockOffset));
    }

    @Override
    public float get(MemorySegment data, long index) {
        long block = (index / BLOCK) * BLOCK_BYTES;
        int j = (int) (index % BLOCK);
        int packed = data.get(Layouts.I8, block + 2 + (j & 15)) & 0xFF;
        int q = j < 16 ? packed & 0x0F : packed >>> 4;
        return (q - 8) * scale(data, block);
    }

    @Override
    public float dotScalar(MemorySegment data, long first, float[] x, int xOff, int n) {
        float sum = 0f;
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            float blockSum = 0f;
            for (int j = 0; j < 16; j++) {
                int packed = data.get(Layouts.I8, block + 2 + j) & 0xFF;
                blockSum += ((packed & 0x0F) - 8) * x[xOff + b + j] + ((packed >>> 4) - 8) * x[xOff + b + j + 16];
            }
            sum += scale(data, block) * blockSum;
        }
        return sum;
    }

    @Override
    public float dotVector(MemorySegment data, long first, float[] x, int xOff, int n) {
        // Low nibbles (weights 0-15) and high nibbles (16-31) sum in two chains, so that consecutive FMAs do not wait
        // for each other. At 128 bits the 8 bytes of a load widen through shorts (see Q8_0Format.dotVector128).
        var f = Vectors.F;
        var bs = Vectors.B;
        int load = bs.length();
        boolean viaShorts = Vectors.B_PARTS == 2;
        FloatVector acc0 = FloatVector.zero(f);
        FloatVector acc1 = acc0;
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            FloatVector s0 = FloatVector.zero(f);
            FloatVector s1 = s0;
            for (int k = 0; k < 16; k += load) {
                ByteVector packed = ByteVector.fromMemorySegment(bs, data, block + 2 + k, ByteOrder.LITTLE_ENDIAN);
                ByteVector lo = packed.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
                int xi = xOff + b + k;
                if (viaShorts) {
                    ShortVector l = Vectors.widenToShorts(lo);
                    ShortVector h = Vectors.widenToShorts(hi);
                    s0 = ((FloatVector) l.convertShape(VectorOperators.S2F, f, 0)).fma(FloatVector.fromArray(f, x, xi), s0);
                    s0 = ((FloatVector) l.convertShape(VectorOperators.S2F, f, 1)).fma(FloatVector.fromArray(f, x, xi + 4), s0);
                    s1 = ((FloatVector) h.convertShape(VectorOperators.S2F, f, 0)).fma(FloatVector.fromArray(f, x, xi + 16), s1);
                    s1 = ((FloatVector) h.convertShape(VectorOperators.S2F, f, 1)).fma(FloatVector.fromArray(f, x, xi + 20), s1);
                } else {
                    s0 = ((FloatVector) lo.convertShape(VectorOperators.B2F, f, 0)).fma(FloatVector.fromArray(f, x, xi), s0);
                    s1 = ((FloatVector) hi.convertShape(VectorOperators.B2F, f, 0)).fma(FloatVector.fromArray(f, x, xi + 16), s1);
                }
            }
            FloatVector d = FloatVector.broadcast(f, scale(data, block));
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeVector(MemorySegment data, long first, float[] dst, int off, int n) {
        var f = Vectors.F;
        var bs = Vectors.B;
        int load = bs.length();
        boolean viaShorts = Vectors.B_PARTS == 2;
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            float d = scale(data, block);
            for (int k = 0; k < 16; k += load) {
                ByteVector packed = ByteVector.fromMemorySegment(bs, data, block + 2 + k, ByteOrder.LITTLE_ENDIAN);
                ByteVector lo = packed.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
                int di = off + b + k;
                if (viaShorts) {
                    ShortVector l = Vectors.widenToShorts(lo);
                    ShortVector h = Vectors.widenToShorts(hi);
                    ((FloatVector) l.convertShape(VectorOperators.S2F, f, 0)).mul(d).intoArray(dst, di);
                    ((FloatVector) l.convertShape(VectorOperators.S2F, f, 1)).mul(d).intoArray(dst, di + 4);
                    ((FloatVector) h.convertShape(VectorOperators.S2F, f, 0)).mul(d).intoArray(dst, di + 16);
                    ((FloatVector) h.convertShape(VectorOperators.S2F, f, 1)).mul(d).intoArray(dst, di + 20);
                } else {
                    ((FloatVector) lo.convertShape(VectorOperators.B2F, f, 0)).mul(d).intoArray(dst, di);
                    ((FloatVector) hi.convertShape(VectorOperators.B2F, f, 0)).mul(d).intoArray(dst, di + 16);
                }
            }
        }
    }

    /**
     * ggml's reference: the value of largest magnitude {@code max} (with its sign) gives {@code d = max / -8};
     * {@code q = min(15, (int) (x / d + 8.5))}, d stored as fp16.
     */
    @Override
    public void quantize(float[] src, int off, int n, MemorySegment dst, long dstOffset) {
        for (int b = 0; b < n; b += BLOCK) {
            float amax = 0f;
            float max = 0f;
            for (int j = 0; j < BLOCK; j++) {
                float v = src[off + b + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            float id = d != 0f ? 1f / d : 0f;
            long block = dstOffset + (long) (b / BLOCK) * BLOCK_BYTES;
            dst.set(Layouts.I16, block, Float.floatToFloat16(d));
            for (int j = 0; j < 16; j++) {
                int q0 = Math.min(15, (byte) (int) (src[off + b + j] * id + 8.5f));
                int q1 = Math.min(15, (byte) (int) (src[off + b + j + 16] * id + 8.5f));
                dst.set(Layouts.I8, block + 2 + j, (byte) (q0 | (q1 << 4)));
            }
        }
    }
}
