package dev.sotto.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each weight format's vector path (reached through the dispatching methods, at the width {@link Simd} selected
 * for this JVM; the build runs this class once per vector width and once in scalar mode) against its scalar
 * reference, and quantization against ggml's rules.
 */
class WeightFormatTest {

    static float[] randomValues(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * Math.exp(rnd.nextGaussian()));
        }
        return v;
    }

    static MemorySegment encode(GgmlType type, float[] values) {
        MemorySegment seg = Arena.ofAuto().allocate(type.bytesFor(values.length), 8);
        type.format().quantize(values, 0, values.length, seg, 0);
        return seg;
    }

    @Test
    void simdModeIsTheOneRequested() {
        String requested = System.getProperty(Simd.PROPERTY, "auto");
        System.out.println("[simd] " + Simd.describe());
        if (requested.equals("scalar")) {
            assertEquals(false, Simd.ENABLED);
        } else if (requested.matches("\\d+") && Simd.ENABLED) {
            int cpuBits = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
            assertEquals(Math.min(Integer.parseInt(requested), cpuBits), Vectors.F.vectorBitSize());
        }
    }

    @Test
    void halfToFloatVectorIsExactForAll65536Inputs() {
        assumeTrue(Simd.ENABLED, "vector kernels disabled");
        int lanes = Vectors.L;
        int[] bits = new int[lanes];
        for (int base = 0; base < 65536; base += lanes) {
            for (int i = 0; i < lanes; i++) {
                bits[i] = base + i;
            }
            float[] got = new float[lanes];
            F16Format.halfBitsToFloat(IntVector.fromArray(Vectors.I, bits, 0)).intoArray(got, 0);
            for (int i = 0; i < lanes; i++) {
                float want = Float.float16ToFloat((short) bits[i]);
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got[i]),
                        "half 0x" + Integer.toHexString(bits[i]));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_0"})
    void vectorDequantizeEqualsScalarExactly(GgmlType type) {
        Random rnd = new Random(type.id());
        int step = type.blockSize();
        for (int n = step; n <= 40 * step; n += step * (type.blockSize() == 1 ? 1 : 3)) {
            float[] values = randomValues(rnd, n + 2 * step);
            MemorySegment seg = encode(type, values);
            // Start at an offset too, so unaligned element positions are covered.
            float[] scalar = new float[n + 3];
            float[] vector = new float[n + 3];
            type.format().dequantizeScalar(seg, step, scalar, 3, n);
            type.format().dequantize(seg, step, vector, 3, n);
            assertArrayEquals(scalar, vector, type + " n=" + n);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_0"})
    void vectorDotMatchesScalarIncludingTails(GgmlType type) {
        Random rnd = new Random(100 + type.id());
        int step = type.blockSize();
        for (int n = step; n <= 64 * step + 7; n += step == 1 ? 1 : step) {
            float[] w = randomValues(rnd, n + step);
            float[] x = randomValues(rnd, n + 5);
            MemorySegment seg = encode(type, w);
            WeightFormat f = type.format();
            float scalar = f.dotScalar(seg, step, x, 5, n);
            float vector = f.dot(seg, step, x, 5, n);
            double scale = 0;
            for (int i = 0; i < n; i++) {
                scale += Math.abs(f.get(seg, step + i) * x[5 + i]);
            }
            assertTrue(Math.abs(scalar - vector) <= 1e-5 * scale + 1e-30,
                    type + " n=" + n + ": scalar " + scalar + " vector " + vector + " scale " + scale);
        }
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_0"})
    void getAgreesWithDequantize(GgmlType type) {
        float[] values = randomValues(new Random(7), 96);
        MemorySegment seg = encode(type, values);
        float[] all = new float[96];
        type.format().dequantizeScalar(seg, 0, all, 0, 96);
        for (int i = 0; i < 96; i++) {
            assertEquals(all[i], type.format().get(seg, i));
        }
    }

    @Test
    void q8_0QuantizationErrorIsAtMostHalfAStep() {
        float[] values = randomValues(new Random(3), 32 * 50);
        MemorySegment seg = encode(GgmlType.Q8_0, values);
        for (int b = 0; b < 50; b++) {
            float d = Float.float16ToFloat(seg.get(Layouts.I16, b * 34L));
            for (int j = 0; j < 32; j++) {
                float err = Math.abs(Q8_0Format.INSTANCE.get(seg, b * 32L + j) - values[b * 32 + j]);
                // fp16 rounding of d adds up to 127 * |d| * 2^-11 at the largest value.
                assertTrue(err <= d * 0.5f + 127 * d * 0x1p-11f + 1e-7f, "block " + b + " element " + j + " error " + err);
            }
        }
    }

    @Test
    void q4_0QuantizationErrorIsAtMostHalfAStep() {
        float[] values = randomValues(new Random(4), 32 * 50);
        MemorySegment seg = encode(GgmlType.Q4_0, values);
        for (int b = 0; b < 50; b++) {
            float d = Math.abs(Float.float16ToFloat(seg.get(Layouts.I16, b * 18L)));
            for (int j = 0; j < 32; j++) {
                float x = values[b * 32 + j];
                float err = Math.abs(Q4_0Format.INSTANCE.get(seg, b * 32L + j) - x);
                // Codes run from -8 (the largest magnitude) to +7: values beyond 7.5 steps on the other side clamp.
                float steps = x / Float.float16ToFloat(seg.get(Layouts.I16, b * 18L));
                float bound = steps >= 7.5f ? d : d * 0.5f;
                assertTrue(err <= bound + 8 * d * 0x1p-11f + 1e-6f, "block " + b + " element " + j + " error " + err);
            }
        }
    }

    /** Hand-worked blocks following ggml's reference quantizers step by step. */
    @Test
    void quantizedBlocksHaveGgmlLayout() {
        // Q8_0 of 0, 1, ..., 31 minus 16: amax 16, d = 16/127, q = round(x * 127/16) with halves away from zero.
        float[] ramp = new float[32];
        for (int j = 0; j < 32; j++) {
            ramp[j] = j - 16;
        }
        MemorySegment q8 = encode(GgmlType.Q8_0, ramp);
        assertEquals(34, q8.byteSize());
        assertEquals(Float.floatToFloat16(16f / 127f), q8.get(Layouts.I16, 0));
        assertEquals(-127, q8.get(Layouts.I8, 2));          // -16 -> -127
        assertEquals(0, q8.get(Layouts.I8, 2 + 16));         // 0 -> 0
        assertEquals(8, q8.get(Layouts.I8, 2 + 17));         // 1 * 7.9375 = 7.9375 -> 8
        assertEquals(119, q8.get(Layouts.I8, 2 + 31));       // 15 * 7.9375 = 119.06 -> 119

        // Q4_0: the largest magnitude is -16 (element 0), d = -16 / -8 = 2, q = min(15, (int)(x / 2 + 8.5)).
        MemorySegment q4 = encode(GgmlType.Q4_0, ramp);
        assertEquals(18, q4.byteSize());
        assertEquals(Float.floatToFloat16(2f), q4.get(Layouts.I16, 0));
        // byte j: low nibble element j (x = j - 16), high nibble element j + 16 (x = j).
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) ((j - 16) / 2f + 8.5f));
            int hi = Math.min(15, (int) (j / 2f + 8.5f));
            assertEquals((byte) (lo | hi << 4), q4.get(Layouts.I8, 2 + j), "byte " + j);
        }
        assertEquals(-16f, Q4_0Format.INSTANCE.get(q4, 0));
        assertEquals(14f, Q4_0Format.INSTANCE.get(q4, 31)); // 15 -> q = min(15, 16) = 15 -> (15 - 8) * 2

        // Halves round away from zero: 0.5 * 127 / 127 style ties.
        assertEquals(3, Q8_0Format.roundHalfAwayFromZero(2.5f));
        assertEquals(-3, Q8_0Format.roundHalfAwayFromZero(-2.5f));
        assertEquals(0, Q8_0Format.roundHalfAwayFromZero(0.49999997f));
    }

    @Test
    void allZeroBlocksQuantizeToZero() {
        for (GgmlType type : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            MemorySegment seg = encode(type, new float[64]);
            for (int i = 0; i < 64; i++) {
                // ggml's Q4_0 scale of an all-zero block is -0 (0 / -8), so compare values, not bits.
                assertTrue(type.format().get(seg, i) == 0f, type + " element " + i);
            }
        }
    }

    @Test
    void q4_0NibbleOrderUsesLogicalShift() {
        assumeTrue(Simd.ENABLED, "vector kernels disabled");
        // A byte of 0xF0 must give high nibble 15, not a sign-extended value.
        jdk.incubator.vector.ByteVector v = jdk.incubator.vector.ByteVector.broadcast(Vectors.B, (byte) 0xF0);
        assertEquals(15, v.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).lane(0));
    }
}
