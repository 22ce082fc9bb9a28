package dev.sotto.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufTensorInfo;
import dev.sotto.gguf.GgufValue;
import dev.sotto.gguf.GgufWriter;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Noise, seeds, speakers and bad input on real graphs (the multi-speaker tiny fixture unless said otherwise). */
class VitsModelBehaviourTest {
    private static final String VOICE = "tiny-r1-3spk.onnx";
    private static final int[] IDS = Fixtures.casesUnchecked().get(3).ids(); // tiny-r1-3spk short case

    @TempDir
    Path dir;

    private static VitsModel voice() {
        return ConvertedVoices.model(VOICE, GgmlType.F32);
    }

    private static float rms(float[] a, float[] b) {
        double s = 0;
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            double d = a[i] - (b == null ? 0 : b[i]);
            s += d * d;
        }
        return (float) Math.sqrt(s / n);
    }

    /**
     * The same seed draws the same noise, so the audio repeats: to within float rounding, since JIT-compiled
     * vector code may round tanh, exp and reductions differently from the interpreter that ran the first call.
     */
    @Test
    void sameSeedSameAudioOtherSeedOtherAudio() {
        VitsParams p = new VitsParams(0.667f, 1f, 0.8f, 1, 42L);
        VitsModel.Result a = voice().synthesize(IDS, p, Kernels.shared());
        VitsModel.Result b = voice().synthesize(IDS, p, Kernels.shared());
        assertArrayEquals(a.frames(), b.frames());
        assertTrue(Fixtures.snrDb(a.audio(), b.audio()) > 90, "same seed: SNR " + Fixtures.snrDb(a.audio(), b.audio()));
        VitsModel.Result c = voice().synthesize(IDS, new VitsParams(0.667f, 1f, 0.8f, 1, 43L), Kernels.shared());
        boolean sameLength = c.audio().length == a.audio().length;
        assertTrue(!sameLength || Fixtures.snrDb(a.audio(), c.audio()) < 40, "another seed should change the audio");
    }

    @Test
    void noiseIsStatisticallySane() {
        VitsModel m = voice();
        VitsModel.Result quiet = m.synthesize(IDS, VitsParams.deterministic(1f, 0), Kernels.shared());
        // Prior noise alone leaves the durations alone and moves the audio more the larger its scale.
        float[] spread = new float[2];
        float[] scales = {0.2f, 0.9f};
        for (int s = 0; s < 2; s++) {
            double sum = 0;
            for (long seed = 0; seed < 8; seed++) {
                VitsModel.Result r = m.synthesize(IDS, new VitsParams(scales[s], 1f, 0f, 0, seed), Kernels.shared());
                assertArrayEquals(quiet.frames(), r.frames(), "prior noise must not change durations");
                for (float v : r.audio()) {
                    assertTrue(v > -1f && v < 1f && Float.isFinite(v));
                }
                sum += rms(r.audio(), quiet.audio());
            }
            spread[s] = (float) (sum / 8);
        }
        assertTrue(spread[0] > 0 && spread[1] > 1.5 * spread[0], "deviation should grow with noise scale: " + Arrays.toString(spread));
        // Duration noise changes the timing, differently for different seeds.
        int[] totals = new int[8];
        for (int seed = 0; seed < 8; seed++) {
            totals[seed] = Arrays.stream(m.synthesize(IDS, new VitsParams(0f, 1f, 0.8f, 0, seed), Kernels.shared()).frames()).sum();
        }
        assertTrue(Arrays.stream(totals).distinct().count() > 1, "noise_w should vary durations: " + Arrays.toString(totals));
    }

    @Test
    void speakersDifferAndLengthScaleStretches() {
        VitsModel m = voice();
        VitsModel.Result s0 = m.synthesize(IDS, VitsParams.deterministic(1f, 0), Kernels.shared());
        VitsModel.Result s2 = m.synthesize(IDS, VitsParams.deterministic(1f, 2), Kernels.shared());
        assertTrue(rms(s0.audio(), s2.audio()) > 0);
        VitsModel.Result slow = m.synthesize(IDS, VitsParams.deterministic(2f, 0), Kernels.shared());
        assertTrue(slow.audio().length > 1.8 * s0.audio().length && slow.audio().length < 2.2 * s0.audio().length + 4096,
                s0.audio().length + " -> " + slow.audio().length);
        assertEquals(Arrays.stream(slow.frames()).sum() * m.config().hopLength(), slow.audio().length);
    }

    @Test
    void badRequestsAreRefusedWithAMessage() {
        VitsModel m = voice();
        Kernels k = Kernels.shared();
        VitsParams p = VitsParams.deterministic(1f, 0);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.synthesize(new int[0], p, k)).getMessage().contains("no phoneme ids"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.synthesize(new int[] {1, 999, 2}, p, k)).getMessage().contains("999"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> m.synthesize(IDS, VitsParams.deterministic(1f, 3), k))
                .getMessage().contains("speaker 3"));
        assertThrows(IllegalArgumentException.class, () -> m.synthesize(new int[VitsModel.MAX_IDS + 1], p, k));
        assertThrows(IllegalArgumentException.class, () -> new VitsParams(-1f, 1f, 0f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new VitsParams(0f, 0f, 0f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new VitsParams(0f, Float.NaN, 0f, 0, 0));
        // Absurd durations are refused, not allocated.
        assertThrows(IllegalArgumentException.class, () -> m.synthesize(IDS, p, k, filled(IDS.length, VitsModel.MAX_FRAMES)));
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    @Test
    void malformedVoiceFilesGiveClearErrors() throws IOException {
        Path good = ConvertedVoices.file(VOICE, GgmlType.F32);
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = dir.resolve("truncated.gguf");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        GgufFormatException e1 = assertThrows(GgufFormatException.class, () -> VitsModel.load(GgufFile.open(truncated)));
        assertTrue(e1.getMessage().contains("past the end"), e1.getMessage());

        // The same file with one tensor left out, and with another architecture.
        Path missing = dir.resolve("missing.gguf");
        Path other = dir.resolve("other.gguf");
        try (GgufFile g = GgufFile.open(good)) {
            GgufWriter w1 = new GgufWriter();
            GgufWriter w2 = new GgufWriter();
            for (Map.Entry<String, GgufValue> e : g.metadata().entrySet()) {
                w1.put(e.getKey(), e.getValue());
                w2.put(e.getKey(), e.getKey().equals("general.architecture") ? GgufValue.ofString("llama") : e.getValue());
            }
            for (GgufTensorInfo t : g.tensors()) {
                if (!t.name().equals("dec.conv_post.weight")) {
                    w1.addTensor(t.name(), t.dims(), t.type(), g.data(t));
                }
                w2.addTensor(t.name(), t.dims(), t.type(), g.data(t));
            }
            w1.write(missing);
            w2.write(other);
        }
        GgufFormatException e2 = assertThrows(GgufFormatException.class, () -> VitsModel.load(GgufFile.open(missing)));
        assertTrue(e2.getMessage().contains("dec.conv_post.weight"), e2.getMessage());
        GgufFormatException e3 = assertThrows(GgufFormatException.class, () -> VitsModel.load(GgufFile.open(other)));
        assertTrue(e3.getMessage().contains("not a VITS voice"), e3.getMessage());
    }

    @Test
    void malformedOnnxAndConfigGiveClearErrors() throws IOException {
        Path onnx = Fixtures.onnx(VOICE);
        Path cut = dir.resolve("cut.onnx");
        byte[] bytes = Files.readAllBytes(onnx);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 3));
        OnnxFormatException e1 = assertThrows(OnnxFormatException.class,
                () -> PiperImporter.convert(cut, PiperImporter.defaultConfigPath(onnx), dir.resolve("x.gguf"), GgmlType.F32));
        assertTrue(e1.getMessage().startsWith("cut.onnx"), e1.getMessage());

        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "definitely not protobuf \u0000\u0001");
        assertThrows(OnnxFormatException.class,
                () -> PiperImporter.convert(junk, PiperImporter.defaultConfigPath(onnx), dir.resolve("y.gguf"), GgmlType.F32));

        Path badJson = dir.resolve("bad.onnx.json");
        Files.writeString(badJson, "{\"audio\": {\"sample_rate\": 22050}");
        OnnxFormatException e3 = assertThrows(OnnxFormatException.class,
                () -> PiperImporter.convert(onnx, badJson, dir.resolve("z.gguf"), GgmlType.F32));
        assertTrue(e3.getMessage().contains("not valid JSON"), e3.getMessage());
        assertFalse(Files.exists(dir.resolve("x.gguf")) || Files.exists(dir.resolve("y.gguf")) || Files.exists(dir.resolve("z.gguf")),
                "nothing is written when an import fails");
    }
}
