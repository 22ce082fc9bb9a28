package dev.sotto.tensor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * ggml Q8_0: blocks of 32 weights in 34 bytes, an fp16 scale {@code d} then 32 signed bytes {@code q};
 * weight {@code j} is {@code d * q[j]}.
 */
public final class Q8_0Format implements WeightFormat {
    public static final Q8_0Format INSTANCE = new Q8_0Format();
    static final int BLOCK = 32;
    static final int BLOCK_BYTES = 34;

    private Q8_0Format() {
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    private static float scale(MemorySegment data, long blockOffset) {
        return Float.float16ToFloat(data.get(Layouts.I16, blockOffset));
    }

    @Override
    public float get(MemorySegment data, long index) {
        long block = (index / BLOCK) * BLOCK_BYTES;
        return scale(data, block) * data.get(Layouts.I8, block + 2 + index % BLOCK);
    }

    @Override
    public float dotScalar(MemorySegment data, long first, float[] x, int xOff, int n) {
        float sum = 0f;
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            float blockSum = 0f;
            for (int j = 0; j < BLOCK; j++) {
                blockSum += data.get(Layouts.I8, block + 2 + j) * x[xOff + b + j];
            }
            sum += scale(data, block) * blockSum;
        }
        return sum;
    }

    @Override
    public float dotVector(MemorySegment data, long first, float[] x, int xOff, int n) {
        if (Vectors.B_PARTS == 2) {
            return dotVector128(data, first, x, xOff, n);
        }
        var f = Vectors.F;
        var bs = Vectors.B;
        int load = bs.length();
        FloatVector acc = FloatVector.zero(f);
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            FloatVector blockSum = FloatVector.zero(f);
            for (int k = 0; k < BLOCK; k += load) {
                ByteVector q = ByteVector.fromMemorySegment(bs, data, block + 2 + k, ByteOrder.LITTLE_ENDIAN);
                blockSum = ((FloatVector) q.convertShape(VectorOperators.B2F, f, 0)).fma(FloatVector.fromArray(f, x, xOff + b + k), blockSum);
            }
            // The block scale is applied once per block.
            acc = blockSum.fma(FloatVector.broadcast(f, scale(data, block)), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * 128 bits: 8 bytes widen to 8 shorts (one 128-bit vector), then to two float vectors summed in two chains.
     * Widening bytes straight to the second half's floats (part 1 of a byte-to-float conversion) in one chain ran at
     * less than half this speed (3.3 against 7.2 G weights/s on one core, in cache); at 256 and 512 bits, where one
     * byte load gives one float vector, a second chain measured slower and is not used.
     */
    private static float dotVector128(MemorySegment data, long first, float[] x, int xOff, int n) {
        var f = Vectors.F;
        FloatVector acc0 = FloatVector.zero(f);
        FloatVector acc1 = acc0;
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            FloatVector s0 = FloatVector.zero(f);
            FloatVector s1 = s0;
            for (int k = 0; k < BLOCK; k += 8) {
                ShortVector q = widenEight(data, block + 2 + k);
                s0 = ((FloatVector) q.convertShape(VectorOperators.S2F, f, 0)).fma(FloatVector.fromArray(f, x, xOff + b + k), s0);
                s1 = ((FloatVector) q.convertShape(VectorOperators.S2F, f, 1)).fma(FloatVector.fromArray(f, x, xOff + b + k + 4), s1);
            }
            FloatVector d = FloatVector.broadcast(f, scale(data, block));
            acc0 = s0.fma(d, acc0);
            acc1 = s1.fma(d, acc1);
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    /** Eight signed bytes at {@code offset} as eight shorts (a 128-bit vector). */
    private static ShortVector widenEight(MemorySegment data, long offset) {
        return Vectors.widenToShorts(ByteVector.fromMemorySegment(ByteVector.SPECIES_64, data, offset, ByteOrder.LITTLE_ENDIAN));
    }

    @Override
    public void dequantizeVector(MemorySegment data, long first, float[] dst, int off, int n) {
        var f = Vectors.F;
        var bs = Vectors.B;
        int load = bs.length();
        long block = first / BLOCK * BLOCK_BYTES;
        for (int b = 0; b < n; b += BLOCK, block += BLOCK_BYTES) {
            float d = scale(data, block);
            if (Vectors.B_PARTS == 2) {
                for (int k = 0; k < BLOCK; k += 8) {
                    ShortVector q = widenEight(data, block + 2 + k);
                    ((FloatVector) q.convertShape(VectorOperators.S2F, f, 0)).mul(d).intoArray(dst, off + b + k);
                    ((FloatVector) q.convertShape(VectorOperators.S2F, f, 1)).mul(d).intoArray(dst, off + b + k + 4);
                }
                continue;
            }
            for (int k = 0; k < BLOCK; k += load) { // one byte load, one float vector
                ByteVector q = ByteVector.fromMemorySegment(bs, data, block + 2 + k, ByteOrder.LITTLE_ENDIAN);
                ((FloatVector) q.convertShape(VectorOperators.B2F, f, 0)).mul(d).intoArray(dst, off + b + k);
            }
        }
    }

    /** ggml's reference: d = max|x| / 127, q = round-half-away(x / d), d stored as fp16. */
    @Override
    public void quantize(float[] src, int off, int n, MemorySegment dst, long dstOffset) {
        for (int b = 0; b < n; b += BLOCK) {
            float amax = 0f;
            for (int j = 0; j < BLOCK; j++) {
                amax = Math.max(amax, Math.abs(src[off + b + j]));
            }
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            long block = dstOffset + (long) (b / BLOCK) * BLOCK_BYTES;
            dst.set(Layouts.I16, block, Float.floatToFloat16(d));
            for (int j = 0; j < BLOCK; j++) {
                dst.set(Layouts.I8, block + 2 + j, (byte) roundHalfAwayFromZero(src[off + b + j] * id));
            }
        }
    }

    /** C's {@code roundf}: halves round away from zero (Java's Math.round rounds them up). */
    static int roundHalfAwayFromZero(float v) {
        double r = Math.floor(Math.abs((double) v) + 0.5);
        return (int) Math.copySign(r, v);
    }
}
