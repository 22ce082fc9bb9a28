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
        // Hyperparameters no model can have: a clear refusal, not a division by zero or a 0 Hz voice.
        for (String[] bad : new String[][] {{"vits.n_heads", "0", "at least 1"}, {"vits.sample_rate", "0", "implausible"},
                {"vits.speaker_count", "1000", "emb_g.weight' has shape [3, 16], expected [1000, 16]"}}) {
            Path f = dir.resolve("bad-" + bad[0] + ".gguf");
            withMetadata(good, f, bad[0], GgufValue.ofUInt32(Integer.parseInt(bad[1])));
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> VitsModel.load(GgufFile.open(f)), bad[0]);
            assertTrue(e.getMessage().contains(bad[2]), bad[0] + ": " + e.getMessage());
        }
    }

    /** A copy of {@code from} with metadata {@code key} set to {@code value}. */
    static void withMetadata(Path from, Path to, String key, GgufValue value) throws IOException {
        try (GgufFile g = GgufFile.open(from)) {
            GgufWriter w = new GgufWriter();
            for (Map.Entry<String, GgufValue> e : g.metadata().entrySet()) {
                w.put(e.getKey(), e.getKey().equals(key) ? value : e.getValue());
            }
            for (GgufTensorInfo t : g.tensors()) {
                w.addTensor(t.name(), t.dims(), t.type(), g.data(t));
            }
            w.write(to);
        }
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

    @Test
    void configsAndGraphsTheModelCannotHonourAreRefused() throws IOException {
        Path onnx = Fixtures.onnx(VOICE);
        String json = Files.readString(PiperImporter.defaultConfigPath(onnx));
        String[][] cases = {
            {"\"num_speakers\": 1e9", "'num_speakers' must be a whole number"},
            {"\"num_speakers\": 40", "num_speakers is 40 but the model has 3 speaker(s)"},
            {"\"phoneme_id_map\": {\"_\": [0], \"a\": [9999]}", "phoneme 'a' has id 9999, beyond the model's"},
        };
        for (String[] c : cases) {
            String key = c[0].substring(1, c[0].indexOf('"', 1));
            Path config = dir.resolve("c.onnx.json");
            Files.writeString(config, json.replaceFirst("\"" + key + "\"\\s*:\\s*(\\{[^}]*\\}|[^,}]+)", java.util.regex.Matcher.quoteReplacement(c[0])));
            OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> PiperImporter.convert(onnx, config, dir.resolve("c.gguf"),
                    GgmlType.F32), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
        // Convolution attributes the Java model does not compute with.
        var model = dev.sotto.onnx.proto.OnnxProtos.Model.parseFrom(Files.readAllBytes(onnx));
        String[][] graphCases = {{"/enc_p/proj/", "pads", "convolution 'enc_p.proj' has stride, dilation, pads [1, 1]"},
                {"/dec/conv_pre/", "kernel_shape", "convolution 'dec.conv_pre' has kernel_shape [5]"}};
        for (String[] c : graphCases) {
            var graph = model.getGraph().toBuilder();
            for (int i = 0; i < graph.getNodeCount(); i++) {
                var n = graph.getNode(i);
                if (n.getOpType().equals("Conv") && n.getName().contains(c[0])) {
                    var b = n.toBuilder().clearAttribute();
                    for (var a : n.getAttributeList()) {
                        if (!a.getName().equals(c[1])) {
                            b.addAttribute(a);
                        }
                    }
                    b.addAttribute(dev.sotto.onnx.proto.OnnxProtos.Attribute.newBuilder().setName(c[1]).setType(
                            dev.sotto.onnx.proto.OnnxProtos.Attribute.Type.INTS).addAllInts(c[1].equals("pads")
                            ? java.util.List.of(1L, 1L) : java.util.List.of(5L)));
                    graph.setNode(i, b);
                }
            }
            Path bad = dir.resolve("bad-" + c[1] + ".onnx");
            Files.write(bad, model.toBuilder().setGraph(graph).build().toByteArray());
            Files.writeString(PiperImporter.defaultConfigPath(bad), json);
            OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> PiperImporter.convert(bad, PiperImporter.defaultConfigPath(bad),
                    dir.resolve("d.gguf"), GgmlType.F32), c[1]);
            assertTrue(e.getMessage().contains(c[2]), c[1] + ": " + e.getMessage());
        }
    }
}
