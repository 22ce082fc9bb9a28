package dev.sotto.pocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pocket TTS against the unmodified upstream PyTorch code (random weights, F32 conversion), on every case of the
 * tiny and mid fixture sets: FlowLM teacher-forced (the reference latent k - 1 in, latent k and the EOS logit out,
 * within 1e-4 of the reference, 60 dB), Mimi on the reference latents (60 dB), and the whole generation free-running
 * from the text (exact sample count, 40 dB; recorded noise replayed for the temperature 0.7 cases; the end-of-speech
 * case stops at the same frame).
 */
class PocketParityTest {
    private static final java.util.Map<String, PocketModel> MODELS = new java.util.HashMap<>();

    static synchronized PocketModel model(String set) throws IOException {
        PocketModel m = MODELS.get(set);
        if (m == null) {
            m = PocketFixtures.model(set, GgmlType.F32);
            MODELS.put(set, m);
        }
        return m;
    }

    @AfterAll
    static synchronized void close() {
        MODELS.values().forEach(PocketModel::close);
        MODELS.clear();
    }

    /** Every case of both sets; a case whose files are absent is skipped (with the reason) when run. */
    static Stream<Arguments> cases() throws IOException {
        return PocketFixtures.cases(c -> true);
    }

    static JsonNode caseOf(String set, String name) throws IOException {
        for (JsonNode c : PocketFixtures.json(set + "/cases.json").get("cases")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static float[] reference(String set, JsonNode c, String kind) throws IOException {
        return PocketFixtures.floats(set + "/" + c.get("files").get(kind).get("file").asText());
    }

    private static VoiceState voice(String set, JsonNode c, PocketModel m) throws IOException {
        if (c.get("voice").isNull()) {
            return null;
        }
        var t = m.flowLm().transformer;
        return VoiceState.read(PocketFixtures.file(set + "/" + c.get("voice").asText()), t.layerCount(), t.heads, t.headDim);
    }

    private static PocketSettings settings(String set, JsonNode c, PocketModel m) throws IOException {
        JsonNode s = c.get("settings");
        JsonNode fae = s.get("frames_after_eos_arg");
        return new PocketSettings(s.get("temp").asDouble(), s.get("lsd_decode_steps").asInt(), s.get("eos_threshold").asDouble(),
                fae == null || fae.isNull() ? null : fae.asInt(), voice(set, c, m), false, true);
    }

    private static NoiseSource noise(String set, JsonNode c, PocketModel m) throws IOException {
        int latent = m.config().flowLm().latentDim();
        return c.get("files").has("noise") ? NoiseSource.recorded(reference(set, c, "noise"), latent)
                : NoiseSource.gaussian(0, c.get("settings").get("temp").asDouble(), Double.NaN);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void flowLmTeacherForced(String set, String name) throws IOException {
        PocketFixtures.file(set + "/cases.json");
        JsonNode c = caseOf(set, name);
        PocketModel m = model(set);
        Kernels k = Kernels.shared();
        FlowLm f = m.flowLm();
        int ld = m.config().flowLm().latentDim();
        float[] refLatents = reference(set, c, "latents");
        float[] refEos = reference(set, c, "eos_logits");
        NoiseSource noise = noise(set, c, m);
        VoiceState voice = voice(set, c, m);
        int frame = 0;
        int eosIndex = 0;
        double worstLatent = 0;
        double worstEos = 0;
        List<Float> produced = new ArrayList<>();
        for (JsonNode chunk : c.get("chunks")) {
            int[] ids = ints(chunk.get("ids"));
            KvCache cache = f.transformer.newCache(64);
            if (voice != null) {
                cache.load(voice.keys(), voice.values(), voice.length());
            }
            f.prompt(k, f.embed(ids), ids.length, cache, null);
            noise.next(new float[ld]);
            int computed = chunk.get("frames_computed").asInt();
            int emitted = chunk.get("frames_emitted").asInt();
            for (int step = 0; step < computed; step++) {
                float[] previous = step == 0 ? null : java.util.Arrays.copyOfRange(refLatents, (frame + step - 1) * ld, (frame + step) * ld);
                float[] h = f.step(k, previous, cache, null);
                float eos = f.eosLogit(k, h);
                worstEos = Math.max(worstEos, Math.abs(eos - refEos[eosIndex++]));
                if (step >= emitted) {
                    break; // the final computed step stops the chunk; its latent is not drawn
                }
                float[] x0 = new float[ld];
                noise.next(x0);
                float[] latent = f.head.sample(k, h, x0, c.get("settings").get("lsd_decode_steps").asInt());
                float[] want = java.util.Arrays.copyOfRange(refLatents, (frame + step) * ld, (frame + step + 1) * ld);
                worstLatent = Math.max(worstLatent, PocketFixtures.maxAbs(want, latent));
                for (float v : latent) {
                    produced.add(v);
                }
            }
            frame += emitted;
        }
        float[] all = new float[produced.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = produced.get(i);
        }
        double snr = PocketFixtures.snrDb(refLatents, all);
        System.out.printf(Locale.ROOT, "[pocket teacher] %-5s %-22s latents max-abs %.2e, SNR %.1f dB; EOS logits max-abs %.2e%n", set, name,
                worstLatent, snr, worstEos);
        assertEquals(refLatents.length, all.length, "latents emitted");
        assertTrue(worstLatent <= 1e-4, "teacher-forced latents within 1e-4: " + worstLatent);
        assertTrue(snr >= 60, "teacher-forced latents SNR " + snr);
        assertTrue(worstEos <= 1e-4 * Math.max(1, maxAbs(refEos)), "EOS logits: " + worstEos);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void mimiDecodesTheReferenceLatents(String set, String name) throws IOException {
        PocketFixtures.file(set + "/cases.json");
        JsonNode c = caseOf(set, name);
        PocketModel m = model(set);
        int ld = m.config().flowLm().latentDim();
        float[] latents = reference(set, c, "latents");
        float[] audio = reference(set, c, "audio");
        List<float[]> parts = new ArrayList<>();
        int frame = 0;
        for (JsonNode chunk : c.get("chunks")) {
            int n = chunk.get("frames_emitted").asInt();
            MimiDecoder.State state = m.mimi().newState();
            // Latent by latent, as the stream decodes them.
            for (int i = 0; i < n; i++) {
                parts.add(m.mimi().decode(Kernels.shared(), java.util.Arrays.copyOfRange(latents, (frame + i) * ld, (frame + i + 1) * ld), 1,
                        state));
            }
            frame += n;
        }
        float[] got = dev.sotto.audio.Samples.concat(parts);
        double snr = PocketFixtures.snrDb(audio, got);
        System.out.printf(Locale.ROOT, "[pocket mimi] %-5s %-22s %d samples, SNR %.1f dB, max-abs %.2e%n", set, name, got.length, snr,
                PocketFixtures.maxAbs(audio, got));
        assertEquals(audio.length, got.length, "samples");
        assertTrue(snr >= 60, "Mimi SNR " + snr);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void endToEndFromText(String set, String name) throws IOException {
        PocketFixtures.file(set + "/cases.json");
        JsonNode c = caseOf(set, name);
        PocketModel m = model(set);
        PocketUtterance u = (PocketUtterance) m.prepare(c.get("text").asText(), settings(set, c, m), noise(set, c, m), Kernels.shared());
        List<float[]> parts = new ArrayList<>();
        List<String> chunkTexts = new ArrayList<>();
        c.get("chunks").forEach(ch -> chunkTexts.add(ch.get("text").asText()));
        assertEquals(chunkTexts, u.segments(), "chunks as upstream cuts the text");
        while (u.hasNext()) {
            parts.add(u.next().samples());
        }
        float[] audio = dev.sotto.audio.Samples.concat(parts);
        float[] want = reference(set, c, "audio");
        float[] wantLatents = reference(set, c, "latents");
        float[] latents = flatten(u.latents());
        double snr = PocketFixtures.snrDb(want, audio);
        double latentSnr = PocketFixtures.snrDb(wantLatents, latents);
        System.out.printf(Locale.ROOT, "[pocket e2e] %-5s %-22s %d frames, %d samples; latents SNR %.1f dB, audio SNR %.1f dB%n", set, name,
                latents.length / m.config().flowLm().latentDim(), audio.length, latentSnr, snr);
        assertEquals(c.get("n_samples").asInt(), audio.length, "sample count");
        assertEquals(wantLatents.length, latents.length, "frames");
        assertTrue(snr >= 40, "audio SNR " + snr + " dB");
        float[] eos = reference(set, c, "eos_logits");
        assertEquals(eos.length, u.eosLogits().size(), "frames computed");
    }

    static float[] flatten(List<float[]> rows) {
        int n = rows.stream().mapToInt(r -> r.length).sum();
        float[] out = new float[n];
        int at = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, out, at, r.length);
            at += r.length;
        }
        return out;
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
