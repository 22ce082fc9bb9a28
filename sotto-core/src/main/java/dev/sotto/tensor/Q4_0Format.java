package dev.sotto.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
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
        var f = Vectors.F;
        var bs = Vectors.B;
        int lanes = Vectors.L;
        int load = bs.length();
        FloatVector acc = FloatVector.zero(f);
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            FloatVector blockSum = FloatVector.zero(f);
            for (int k = 0; k < 16; k += load) {
                ByteVector packed = ByteVector.fromMemorySegment(bs, data, block + 2 + k, ByteOrder.LITTLE_ENDIAN);
                ByteVector lo = packed.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
                for (int p = 0; p < Vectors.B_PARTS; p++) {
                    int xi = xOff + b + k + p * lanes;
                    blockSum = ((FloatVector) lo.convertShape(VectorOperators.B2F, f, p)).fma(FloatVector.fromArray(f, x, xi), blockSum);
                    blockSum = ((FloatVector) hi.convertShape(VectorOperators.B2F, f, p)).fma(FloatVector.fromArray(f, x, xi + 16), blockSum);
                }
            }
            acc = blockSum.fma(FloatVector.broadcast(f, scale(data, block)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    @Override
    public void dequantizeVector(MemorySegment data, long first, float[] dst, int off, int n) {
        var f = Vectors.F;
        var bs = Vectors.B;
        int lanes = Vectors.L;
        int load = bs.length();
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            float d = scale(data, block);
            for (int k = 0; k < 16; k += load) {
                ByteVector packed = ByteVector.fromMemorySegment(bs, data, block + 2 + k, ByteOrder.LITTLE_ENDIAN);
                ByteVector lo = packed.and((byte) 0x0F).sub((byte) 8);
                ByteVector hi = packed.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
                for (int p = 0; p < Vectors.B_PARTS; p++) {
                    int di = off + b + k + p * lanes;
                    ((FloatVector) lo.convertShape(VectorOperators.B2F, f, p)).mul(d).intoArray(dst, di);
                    ((FloatVector) hi.convertShape(VectorOperators.B2F, f, p)).mul(d).intoArray(dst, di + 16);
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
