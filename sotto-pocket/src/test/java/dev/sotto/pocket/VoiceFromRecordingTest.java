package dev.sotto.pocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A voice made from the fixture's recording (voice_prompt.f32) with the Mimi encoder, against the state upstream
 * made from it (voice.safetensors), layer by layer; then speech in that voice against the fixture's voice cases.
 */
class VoiceFromRecordingTest {
    @TempDir
    Path dir;

    static double snr(float[] reference, float[] actual, int n) {
        return PocketFixtures.snrDb(java.util.Arrays.copyOf(reference, n), java.util.Arrays.copyOf(actual, n));
    }

    @Test
    void theVoiceEqualsUpstreamsAndSpeaksAsIt() throws IOException {
        try (PocketModel m = PocketFixtures.model("tiny", GgmlType.F32)) {
            float[] prompt = PocketFixtures.floats("tiny/voice_prompt.f32");
            VoiceState made = m.voiceFromRecording(prompt, Kernels.shared());
            var t = m.flowLm().transformer;
            VoiceState want = VoiceState.read(PocketFixtures.file("tiny/voice.safetensors"), t.layerCount(), t.heads, t.headDim);
            assertEquals(want.length(), made.length(), "positions (the BOS and one per 80 ms)");
            int n = want.length() * t.dModel;
            for (int l = 0; l < t.layerCount(); l++) {
                double keys = snr(want.keys()[l], made.keys()[l], n);
                double values = snr(want.values()[l], made.values()[l], n);
                System.out.printf(Locale.ROOT, "[pocket voice] tiny layer %d: keys SNR %.1f dB, values SNR %.1f dB%n", l, keys, values);
                assertTrue(keys >= 60 && values >= 60, "layer " + l + ": " + keys + " / " + values);
            }
            // Written in upstream's layout and read back, it speaks the voice cases.
            Path file = dir.resolve("made.safetensors");
            made.write(file);
            VoiceState reread = VoiceState.read(file, t.layerCount(), t.heads, t.headDim);
            for (JsonNode c : PocketFixtures.json("tiny/cases.json").get("cases")) {
                String name = c.get("name").asText();
                if (c.get("voice").isNull() || c.get("settings").get("temp").asDouble() != 0 || !name.startsWith("short")
                        && !name.equals("medium_voice_eos")) {
                    continue;
                }
                JsonNode s = c.get("settings");
                PocketUtterance u = (PocketUtterance) m.prepare(c.get("text").asText(), new PocketSettings(0, s.get("lsd_decode_steps").asInt(),
                        s.get("eos_threshold").asDouble(), null, reread, false, true), NoiseSource.gaussian(0, 0, Double.NaN), Kernels.shared());
                List<float[]> audio = new ArrayList<>();
                while (u.hasNext()) {
                    audio.add(u.next().samples());
                }
                float[] got = dev.sotto.audio.Samples.concat(audio);
                float[] expected = PocketFixtures.floats("tiny/" + c.get("files").get("audio").get("file").asText());
                double snr = PocketFixtures.snrDb(expected, got);
                System.out.printf(Locale.ROOT, "[pocket voice] tiny %s in the made voice: %d samples, SNR %.1f dB%n", name, got.length, snr);
                assertEquals(expected.length, got.length);
                assertTrue(snr >= 40, name + ": " + snr);
            }
        }
    }

    @Test
    void aModelWithoutItsEncoderSaysWhereToGetIt() throws IOException {
        if (!dev.sotto.testing.FixtureFiles.available("pocket", "mid/model.safetensors")) {
            return; // the mid set has no encoder; without it there is nothing to check here (the tiny set has one)
        }
        try (PocketModel m = PocketFixtures.model("mid", GgmlType.F32)) {
            assertTrue(m.cloningUnavailable().contains("kyutai/pocket-tts"), m.cloningUnavailable());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.voiceFromRecording(new float[24000], Kernels.shared()));
            assertTrue(e.getMessage().contains("no Mimi encoder"), e.getMessage());
        }
    }
}
