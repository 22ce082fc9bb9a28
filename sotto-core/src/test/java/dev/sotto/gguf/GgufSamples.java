package dev.sotto.gguf;

import dev.sotto.tensor.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/** Builders of valid GGUF content for tests. */
final class GgufSamples {
    private GgufSamples() {
    }

    static MemorySegment floatsAs(GgmlType type, float[] values) {
        MemorySegment seg = Arena.ofAuto().allocate(type.bytesFor(values.length), 8);
        type.format().quantize(values, 0, values.length, seg, 0);
        return seg;
    }

    /** A writer with one value of every type, nested arrays, and tensors of every kernel type. */
    static GgufWriter everything() {
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", "vits");
        w.put("general.name", "tëst voice ✓ 日本語");
        w.put("u8", new GgufValue(GgufValueType.UINT8, (byte) 0xFF));
        w.put("i8", new GgufValue(GgufValueType.INT8, (byte) -5));
        w.put("u16", new GgufValue(GgufValueType.UINT16, (short) 0xFFFF));
        w.put("i16", new GgufValue(GgufValueType.INT16, (short) -300));
        w.put("u32", GgufValue.ofUInt32(0xFFFFFFFF));
        w.put("i32", -123456);
        w.put("f32", 0.667f);
        w.put("bool", true);
        w.put("u64", GgufValue.ofUInt64(-1L));
        w.put("i64", new GgufValue(GgufValueType.INT64, Long.MIN_VALUE));
        w.put("f64", new GgufValue(GgufValueType.FLOAT64, Math.PI));
        w.put("empty.string", "");
        w.put("strings", GgufValue.ofArray(GgufArray.ofStrings("_", "^", "$", "ɐ", "")));
        w.put("ints", GgufValue.ofArray(GgufArray.ofInts(1, 0, 20, -7)));
        w.put("floats", GgufValue.ofArray(GgufArray.ofFloats(0.5f, Float.NaN, Float.NEGATIVE_INFINITY)));
        w.put("bools", GgufValue.ofArray(new GgufArray(GgufValueType.BOOL, new boolean[] {true, false})));
        w.put("empty.array", GgufValue.ofArray(new GgufArray(GgufValueType.UINT64, new long[0])));
        w.put("nested", GgufValue.ofArray(new GgufArray(GgufValueType.ARRAY, new GgufArray[] {
                GgufArray.ofInts(1, 2), GgufArray.ofStrings("a", "b"),
                new GgufArray(GgufValueType.ARRAY, new GgufArray[] {GgufArray.ofFloats(3f)})})));
        Random rnd = new Random(1);
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            float[] v = new float[64 * 3];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            w.addTensor("w." + t.cliName(), new long[] {64, 3}, t, floatsAs(t, v));
        }
        w.addTensor("scalar", new long[] {1}, GgmlType.F32, floatsAs(GgmlType.F32, new float[] {42f}));
        w.addTensor("conv", new long[] {5, 2, 3}, GgmlType.F32, floatsAs(GgmlType.F32, new float[30]));
        return w;
    }

    /** A small random valid file, the same for the same seed. */
    static byte[] random(long seed) {
        Random rnd = new Random(seed);
        GgufWriter w = new GgufWriter();
        if (rnd.nextInt(4) == 0) {
            w.alignment(1 << rnd.nextInt(7));
        }
        int kvs = rnd.nextInt(6);
        for (int i = 0; i < kvs; i++) {
            String key = "k" + i;
            switch (rnd.nextInt(5)) {
                case 0 -> w.put(key, "v" + rnd.nextInt());
                case 1 -> w.put(key, rnd.nextInt());
                case 2 -> w.put(key, GgufValue.ofArray(GgufArray.ofStrings("x", "yy", "zzz")));
                case 3 -> w.put(key, GgufValue.ofArray(GgufArray.ofInts(rnd.ints(rnd.nextInt(5)).toArray())));
                default -> w.put(key, GgufValue.ofArray(new GgufArray(GgufValueType.ARRAY,
                        new GgufArray[] {GgufArray.ofFloats(1f, 2f), GgufArray.ofStrings("n")})));
            }
        }
        int tensors = rnd.nextInt(4);
        GgmlType[] types = {GgmlType.F32, GgmlType.F16, GgmlType.Q8_0, GgmlType.Q4_0};
        for (int i = 0; i < tensors; i++) {
            GgmlType t = types[rnd.nextInt(types.length)];
            int rows = 1 + rnd.nextInt(3);
            float[] v = new float[32 * rows];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) rnd.nextGaussian();
            }
            w.addTensor("t" + i, new long[] {32, rows}, t, floatsAs(t, v));
        }
        return w.toBytes();
    }
}
