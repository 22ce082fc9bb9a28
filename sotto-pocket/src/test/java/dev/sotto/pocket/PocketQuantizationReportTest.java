package dev.sotto.pocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the weight types cost in quality and save in size, against the F32 conversion of the same model, on every
 * deterministic case (temperature 0): latents and audio SNR, sample counts, file size. The bar (mid set, the real
 * English dimensions): at Q8_0 every case keeps its sample count, the audio stays within 25 dB SNR of F32, and the
 * file is at most 45% of F32's. Also what low power (every other FlowLM layer skipped) does to the latents.
 */
class PocketQuantizationReportTest {

    /** Latents and audio of every deterministic case of {@code set} with {@code model}, in case order. */
    private static List<float[][]> run(String set, PocketModel model, boolean lowPower) throws IOException {
        List<float[][]> out = new ArrayList<>();
        for (JsonNode c : PocketFixtures.json(set + "/cases.json").get("cases")) {
            JsonNode s = c.get("settings");
            if (s.get("temp").asDouble() != 0) {
                continue;
            }
            VoiceState voice = null;
            if (!c.get("voice").isNull()) {
                var t = model.flowLm().transformer;
                voice = VoiceState.read(PocketFixtures.file(set + "/" + c.get("voice").asText()), t.layerCount(), t.heads, t.headDim);
            }
            PocketSettings settings = new PocketSettings(0, s.get("lsd_decode_steps").asInt(), s.get("eos_threshold").asDouble(), null, voice,
                    lowPower, false);
            PocketUtterance u = (PocketUtterance) model.prepare(c.get("text").asText(), settings, NoiseSource.gaussian(0, 0, Double.NaN),
                    Kernels.shared());
            List<float[]> audio = new ArrayList<>();
            while (u.hasNext()) {
                audio.add(u.next().samples());
            }
            out.add(new float[][] {PocketParityTest.flatten(u.latents()), dev.sotto.audio.Samples.concat(audio)});
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"tiny, F16", "tiny, Q8_0", "tiny, Q4_0", "mid, F16", "mid, Q8_0", "mid, Q4_0"})
    void typesAgainstF32(String set, GgmlType type) throws IOException {
        long f32Bytes = Files.size(PocketFixtures.gguf(set, GgmlType.F32));
        long bytes = Files.size(PocketFixtures.gguf(set, type));
        List<float[][]> reference;
        List<float[][]> quantized;
        try (PocketModel f32 = PocketFixtures.model(set, GgmlType.F32); PocketModel q = PocketFixtures.model(set, type)) {
            reference = run(set, f32, false);
            quantized = run(set, q, false);
        }
        double worstLatent = Double.POSITIVE_INFINITY;
        double worstAudio = Double.POSITIVE_INFINITY;
        int lengthChanged = 0;
        for (int i = 0; i < reference.size(); i++) {
            if (reference.get(i)[1].length != quantized.get(i)[1].length) {
                lengthChanged++; // the end of speech fired at another frame
                continue;
            }
            worstLatent = Math.min(worstLatent, PocketFixtures.snrDb(reference.get(i)[0], quantized.get(i)[0]));
            worstAudio = Math.min(worstAudio, PocketFixtures.snrDb(reference.get(i)[1], quantized.get(i)[1]));
        }
        double share = 100.0 * bytes / f32Bytes;
        System.out.printf(Locale.ROOT, "[pocket quantization] %-4s %-4s %,12d bytes (%.1f%% of F32); %d cases, %d of another length; worst"
                + " latents SNR %.1f dB, audio SNR %.1f dB%n", set, type, bytes, share, reference.size(), lengthChanged, worstLatent, worstAudio);
        if (type == GgmlType.Q8_0) {
            assertEquals(0, lengthChanged, "at Q8_0 every case keeps its sample count");
        }
        if (set.equals("mid") && type == GgmlType.Q8_0) {
            assertTrue(worstAudio >= 25, "Q8_0 audio SNR " + worstAudio + " dB");
            assertTrue(share <= 45, "Q8_0 file is " + share + "% of F32");
        }
    }

    @Test
    void lowPowerMovesTheLatentsButKeepsTheLength() throws IOException {
        List<float[][]> full;
        List<float[][]> low;
        try (PocketModel m = PocketFixtures.model("tiny", GgmlType.F32)) {
            full = run("tiny", m, false);
            low = run("tiny", m, true);
        }
        double worst = Double.POSITIVE_INFINITY;
        double best = Double.NEGATIVE_INFINITY;
        int lengthChanged = 0;
        for (int i = 0; i < full.size(); i++) {
            if (full.get(i)[1].length != low.get(i)[1].length) {
                lengthChanged++; // the end-of-speech case: its threshold was chosen for the full model
                continue;
            }
            double snr = PocketFixtures.snrDb(full.get(i)[0], low.get(i)[0]);
            worst = Math.min(worst, snr);
            best = Math.max(best, snr);
        }
        System.out.printf(Locale.ROOT, "[pocket low-power] tiny (1 of 2 FlowLM layers): latents SNR against the full model %.1f..%.1f dB;"
                + " %d of %d cases of another length%n", worst, best, lengthChanged, full.size());
        assertTrue(best < 60, "low power changes the latents");
        assertTrue(lengthChanged <= 1, "only the end-of-speech case may change length");
    }
}
