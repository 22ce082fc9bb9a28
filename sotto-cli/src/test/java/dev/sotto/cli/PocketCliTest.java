package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.pocket.PocketFixtures;
import dev.sotto.testing.FixtureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pocket TTS through the command line: {@code sotto convert} of the fixtures' safetensors, then {@code sotto synth
 * --text ... --temperature 0 --eos-threshold 1e9 --no-normalize --sample-format f32}, against upstream's audio for
 * every temperature-0 case of the tiny and mid sets (exact sample count, at least 40 dB).
 */
class PocketCliTest {
    @TempDir
    static Path dir;

    private static synchronized Path converted(String set) throws IOException {
        Path out = dir.resolve(set + ".gguf");
        if (!Files.exists(out)) {
            SottoCliTest.Result r = SottoCliTest.run("convert", PocketFixtures.file(set + "/model.safetensors").toString(), "--config",
                    PocketFixtures.file(set + "/config.json").toString(), "--tokenizer", PocketFixtures.file("tokenizer.model").toString(),
                    "-o", out.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("Pocket TTS"), r.out());
        }
        return out;
    }

    static Stream<Arguments> deterministicCases() throws IOException {
        return PocketFixtures.cases(c -> c.get("settings").get("temp").asDouble() == 0 && !c.get("files").has("noise"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("deterministicCases")
    void synthMatchesUpstream(String set, String name) throws IOException {
        JsonNode c = null;
        for (JsonNode x : PocketFixtures.json(set + "/cases.json").get("cases")) {
            if (x.get("name").asText().equals(name)) {
                c = x;
            }
        }
        assertTrue(c != null, name);
        float[] want = PocketFixtures.floats(set + "/" + c.get("files").get("audio").get("file").asText());
        Path wav = dir.resolve(set + "-" + name + ".wav");
        List<String> args = new ArrayList<>(List.of("synth", "-m", converted(set).toString(), "--text", c.get("text").asText(),
                "--temperature", "0", "--eos-threshold", c.get("settings").get("eos_threshold").asText(), "--no-normalize",
                "--sample-format", "f32", "-o", wav.toString()));
        if (!c.get("voice").isNull()) {
            args.add("--voice");
            args.add(PocketFixtures.file(set + "/" + c.get("voice").asText()).toString());
        }
        SottoCliTest.Result r = SottoCliTest.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        float[] got = wavFloats(wav);
        double snr = PocketFixtures.snrDb(want, got);
        System.out.printf(Locale.ROOT, "[pocket synth] %-5s %-18s %d samples, SNR %.1f dB%n", set, name, got.length, snr);
        assertEquals(want.length, got.length, "sample count");
        assertTrue(snr >= 40, "SNR " + snr);
    }

    static float[] wavFloats(Path wav) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getShort(20), "IEEE float");
        int n = b.getInt(40) / 4;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = b.getFloat(44 + 4 * i);
        }
        return out;
    }

    /** A WAV of 16-bit stereo at 44.1 kHz: the same mono signal in both channels, resampled. */
    static void writeStereo16(Path path, float[] mono24k) throws IOException {
        float[] s = dev.sotto.audio.Resampler.resample(mono24k, 24000, 44100);
        ByteBuffer b = ByteBuffer.allocate(44 + 4 * s.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46464952).putInt(36 + 4 * s.length).putInt(0x45564157).putInt(0x20746d66).putInt(16).putShort((short) 1)
                .putShort((short) 2).putInt(44100).putInt(44100 * 4).putShort((short) 4).putShort((short) 16).putInt(0x61746164)
                .putInt(4 * s.length);
        for (float v : s) {
            short q = dev.sotto.audio.Wav.toS16(v);
            b.putShort(q).putShort(q);
        }
        Files.write(path, b.array());
    }

    private static double worstLayerSnr(Path made, Path want) throws IOException {
        double worst = Double.POSITIVE_INFINITY;
        try (var a = dev.sotto.safetensors.SafetensorsFile.open(want); var b = dev.sotto.safetensors.SafetensorsFile.open(made)) {
            for (var t : a.tensors().values()) {
                if (t.name().endsWith("/cache")) {
                    worst = Math.min(worst, PocketFixtures.snrDb(a.floats(t), b.floats(b.require(t.name()))));
                }
            }
        }
        return worst;
    }

    @Test
    void voiceFromAudioMakesUpstreamsVoiceAndSynthUsesIt() throws IOException {
        float[] prompt = PocketFixtures.floats("tiny/voice_prompt.f32");
        Path floatWav = dir.resolve("prompt-f32.wav");
        dev.sotto.audio.Wav.write(floatWav, prompt, 24000, dev.sotto.audio.SampleFormat.F32);
        Path stereo = dir.resolve("prompt-44k-stereo.wav");
        writeStereo16(stereo, prompt);
        Path want = PocketFixtures.file("tiny/voice.safetensors");
        String model = converted("tiny").toString();
        Path made = dir.resolve("made.safetensors");
        SottoCliTest.Result r = SottoCliTest.run("voice-from-audio", "-m", model, floatWav.toString(), "-o", made.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--voice"), r.out());
        double floatSnr = worstLayerSnr(made, want);
        Path madeStereo = dir.resolve("made-stereo.safetensors");
        r = SottoCliTest.run("voice-from-audio", "-m", model, stereo.toString(), "-o", madeStereo.toString());
        assertEquals(0, r.code(), r.err());
        double stereoSnr = worstLayerSnr(madeStereo, want);
        System.out.printf(Locale.ROOT, "[pocket voice-from-audio] worst layer SNR against upstream's state: 24 kHz float WAV %.1f dB,"
                + " 44.1 kHz 16-bit stereo WAV %.1f dB%n", floatSnr, stereoSnr);
        assertTrue(floatSnr >= 60, "float WAV: " + floatSnr);
        assertTrue(stereoSnr >= 40, "the converted recording gives nearly the same voice: " + stereoSnr);
        Path wav = dir.resolve("in-made-voice.wav");
        r = SottoCliTest.run("synth", "-m", model, "--text", "hello there", "--temperature", "0", "--eos-threshold", "1e9", "--no-normalize",
                "--sample-format", "f32", "--voice", made.toString(), "-o", wav.toString());
        assertEquals(0, r.code(), r.err());
        float[] want16 = PocketFixtures.floats("tiny/short_voice_t0.audio.f32");
        float[] got = wavFloats(wav);
        assertEquals(want16.length, got.length);
        assertTrue(PocketFixtures.snrDb(want16, got) >= 40, "speech in the made voice");
    }

    @Test
    void badRecordingsGetOneClearErrorEach() throws IOException {
        String model = converted("tiny").toString();
        Path out = dir.resolve("bad.safetensors");
        Path text = dir.resolve("notes.wav");
        Files.writeString(text, "these are notes, not audio");
        Path empty = dir.resolve("empty.wav");
        dev.sotto.audio.Wav.write(empty, new float[0], 24000, dev.sotto.audio.SampleFormat.S16);
        Path shortWav = dir.resolve("short.wav");
        dev.sotto.audio.Wav.write(shortWav, new float[2400], 24000, dev.sotto.audio.SampleFormat.S16);
        Path nan = dir.resolve("nan.wav");
        float[] withNan = new float[24000];
        withNan[100] = Float.NaN;
        dev.sotto.audio.Wav.write(nan, withNan, 24000, dev.sotto.audio.SampleFormat.F32);
        Path silent = dir.resolve("silent.wav");
        dev.sotto.audio.Wav.write(silent, new float[24000], 24000, dev.sotto.audio.SampleFormat.S16);
        String[][] cases = {{text.toString(), "not a WAV file"}, {empty.toString(), "holds no audio"}, {shortWav.toString(), "at least 0.25 s"},
            {nan.toString(), "not numbers"}, {silent.toString(), "silent"}, {dir.resolve("absent.wav").toString(), "no such file"}};
        for (String[] c : cases) {
            SottoCliTest.Result r = SottoCliTest.run("voice-from-audio", "-m", model, c[0], "-o", out.toString());
            assertEquals(1, r.code(), c[0]);
            assertTrue(r.err().contains(c[1]) && !r.err().contains("\tat "), c[0] + ": " + r.err());
        }
        assertFalse(Files.exists(out));
        if (FixtureFiles.available("pocket", "mid/model.safetensors")) {
            Path floatWav = dir.resolve("p.wav");
            dev.sotto.audio.Wav.write(floatWav, PocketFixtures.floats("tiny/voice_prompt.f32"), 24000, dev.sotto.audio.SampleFormat.F32);
            SottoCliTest.Result r = SottoCliTest.run("voice-from-audio", "-m", converted("mid").toString(), floatWav.toString(), "-o", out.toString());
            assertEquals(1, r.code());
            assertTrue(r.err().contains("no Mimi encoder") && r.err().contains("kyutai/pocket-tts"), r.err());
        }
    }

    @Test
    void badInputsGetOneLine() throws IOException {
        Path tokenizer = PocketFixtures.file("tokenizer.model");
        Path weights = PocketFixtures.file("tiny/model.safetensors");
        Path config = PocketFixtures.file("tiny/config.json");
        // A config that disagrees with the weights.
        String text = Files.readString(config).replace("\"hidden_scale\": 4", "\"hidden_scale\": 2");
        Path wrong = dir.resolve("wrong.json");
        Files.writeString(wrong, text);
        Path out = dir.resolve("bad.gguf");
        SottoCliTest.Result r = SottoCliTest.run("convert", weights.toString(), "--config", wrong.toString(), "--tokenizer", tokenizer.toString(),
                "-o", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("disagree") && !r.err().contains("\tat "), r.err());
        assertFalse(Files.exists(out));
        // A malformed safetensors file.
        Path junk = dir.resolve("junk.safetensors");
        Files.write(junk, new byte[] {8, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'a', '"', ':', '1', '}', ' '});
        r = SottoCliTest.run("convert", junk.toString(), "--config", config.toString(), "--tokenizer", tokenizer.toString(), "-o", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("sotto: junk.safetensors: tensor 'a'"), r.err());
        // A tokenizer that does not fit the text lookup.
        String bins = Files.readString(config).replace("\"n_bins\": 4000", "\"n_bins\": 3000");
        Path otherBins = dir.resolve("bins.json");
        Files.writeString(otherBins, bins);
        r = SottoCliTest.run("convert", weights.toString(), "--config", otherBins.toString(), "--tokenizer", tokenizer.toString(), "-o",
                out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("does not fit"), r.err());
        // Missing options.
        r = SottoCliTest.run("convert", weights.toString(), "-o", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--config") && r.err().contains("--variant"), r.err());
        // A voice state for another model: the mid set's voice on the tiny model.
        if (FixtureFiles.available("pocket", "mid/voice.safetensors")) {
            r = SottoCliTest.run("synth", "-m", converted("tiny").toString(), "--text", "Hi.", "--voice",
                    PocketFixtures.file("mid/voice.safetensors").toString(), "-o", dir.resolve("x.wav").toString());
            assertEquals(1, r.code());
            assertTrue(r.err().contains("a voice for another model"), r.err());
        }
        // A parameter of the other family.
        r = SottoCliTest.run("synth", "-m", converted("tiny").toString(), "--text", "Hi.", "--noise-scale", "0.5", "-o",
                dir.resolve("y.wav").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("noise_scale is not a parameter of Pocket TTS"), r.err());
    }
}
