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
        List<Arguments> out = new ArrayList<>();
        for (String set : List.of("tiny", "mid")) {
            if (!FixtureFiles.available("pocket", set + "/cases.json")) {
                out.add(Arguments.of(set, "(the " + set + " set)"));
                continue;
            }
            for (JsonNode c : PocketFixtures.json(set + "/cases.json").get("cases")) {
                if (c.get("settings").get("temp").asDouble() == 0 && !c.get("files").has("noise")) {
                    out.add(Arguments.of(set, c.get("name").asText()));
                }
            }
        }
        return out.stream();
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
