package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufWriter;
import dev.sotto.tensor.GgmlType;
import dev.sotto.testing.Ffmpeg;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SottoCliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SottoCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private Path sampleModel() throws IOException {
        Random rnd = new Random(9);
        float[] big = new float[64 * 128];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rnd.nextGaussian();
        }
        MemorySegment bigData = Arena.ofAuto().allocate(GgmlType.F32.bytesFor(big.length));
        GgmlType.F32.format().quantize(big, 0, big.length, bigData, 0);
        MemorySegment bias = Arena.ofAuto().allocate(4 * 64);
        Path p = dir.resolve("model.gguf");
        new GgufWriter().put("general.name", "sample")
                .addTensor("proj.weight", new long[] {128, 64}, GgmlType.F32, bigData)
                .addTensor("proj.bias", new long[] {64}, GgmlType.F32, bias)
                .write(p);
        return p;
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("sotto "), v.out());
        Result h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("inspect") && h.out().contains("quantize"), h.out());
        // A run of one subcommand models only that one; help, no command and a misspelling still see them all.
        for (String[] all : new String[][] {{}, {"help"}}) {
            Result r = run(all);
            for (Class<?> c : SottoCli.SUBCOMMANDS) {
                String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
                assertTrue(r.out().contains("  " + name + " "), name + " in: " + r.out());
            }
        }
        Result helpSay = run("help", "say");
        assertTrue(helpSay.out().startsWith("Usage: sotto say"), helpSay.out());
        Result typo = run("sya", "x");
        assertEquals(2, typo.code());
        assertTrue(typo.err().contains("Did you mean: sotto synth or sotto system?"), typo.err());
    }

    @Test
    void inspectListsMetadataAndTensors() throws IOException {
        Result r = run("inspect", sampleModel().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("GGUF v3"), r.out());
        assertTrue(r.out().contains("general.name") && r.out().contains("\"sample\""), r.out());
        assertTrue(r.out().contains("proj.weight") && r.out().contains("[64, 128]"), r.out());
    }

    @Test
    void quantizeConvertsMatricesAndKeepsSmallTensors() throws IOException {
        Path in = sampleModel();
        Path out = dir.resolve("q8.gguf");
        Result r = run("quantize", in.toString(), "-o", out.toString(), "--type", "q8_0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 tensors converted to q8_0"), r.out());
        try (GgufFile g = GgufFile.open(out)) {
            assertEquals(GgmlType.Q8_0, g.tensor("proj.weight").orElseThrow().type());
            assertEquals(GgmlType.F32, g.tensor("proj.bias").orElseThrow().type());
            assertEquals("sample", g.requireString("general.name"));
        }
        assertTrue(Files.size(out) < Files.size(in) / 3, "q8_0 is about a quarter of f32");
    }

    @Test
    void errorsAreOneLineWithoutStackTraces() throws IOException {
        Result missing = run("inspect", dir.resolve("absent.gguf").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().startsWith("sotto: no such file"), missing.err());

        Path junk = dir.resolve("junk.gguf");
        Files.writeString(junk, "this is not a model");
        Result bad = run("inspect", junk.toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("not a GGUF file"), bad.err());
        assertFalse(bad.err().contains("\tat "), "no stack trace: " + bad.err());

        Result type = run("quantize", sampleModel().toString(), "-o", dir.resolve("x.gguf").toString(), "--type", "q5_k");
        assertEquals(1, type.code());
        assertTrue(type.err().contains("--type must be"), type.err());
        assertFalse(Files.exists(dir.resolve("x.gguf")));

        Result usage = run("quantize");
        assertEquals(2, usage.code());
        assertTrue(usage.err().contains("Missing required"), usage.err());
    }

    /** A tiny Piper fixture voice, {@code NAME.onnx} with its config beside it. */
    static Path voice(String name) {
        return dev.sotto.onnx.testing.PiperFixtures.onnx(name);
    }

    private static final String SHORT_IDS = "1,0,20,0,59,0,24,0,120,0,27,0,100,0,3,0,35,0,120,0,62,0,122,0,24,0,17,0,10,0,2";

    @Test
    void synthWritesTheModelsRawSamplesFromAnOnnxVoice() throws IOException {
        Path out = dir.resolve("raw.wav");
        Result r = run("synth", "-m", voice("tiny-r2").toString(), "--phoneme-ids", SHORT_IDS,
                "--noise-scale", "0", "--noise-w", "0", "--no-normalize", "--sample-format", "f32", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        byte[] wav = Files.readAllBytes(out);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(wav).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(3, b.getShort(20), "IEEE float format tag");
        java.util.regex.Matcher rate = java.util.regex.Pattern.compile("\"sample_rate\"\\s*:\\s*(\\d+)")
                .matcher(Files.readString(voice("tiny-r2").resolveSibling("tiny-r2.onnx.json")));
        assertTrue(rate.find());
        assertEquals(Integer.parseInt(rate.group(1)), b.getInt(24), "sample rate of the voice");
        int samples = b.getInt(40) / 4;
        byte[] ref = Files.readAllBytes(dev.sotto.onnx.testing.PiperFixtures.expected("tiny-r2.short.f32"));
        assertEquals(ref.length / 4, samples, "sample count of the reference case");
        java.nio.ByteBuffer rb = java.nio.ByteBuffer.wrap(ref).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < samples; i++) {
            float want = rb.getFloat(4 * i);
            float got = b.getFloat(44 + 4 * i);
            signal += want * want;
            noise += (want - got) * (want - got);
        }
        assertTrue(10 * Math.log10(signal / noise) > 60, "SNR against ONNX Runtime");
    }

    @Test
    void convertThenSynthAndBenchAGgufVoice() throws IOException {
        Path gguf = dir.resolve("tiny.gguf");
        Result c = run("convert", voice("tiny-r1-3spk").toString(), "-o", gguf.toString(), "--type", "q8_0");
        assertEquals(0, c.code(), c.err());
        Path wav = dir.resolve("s16.wav");
        Result s = run("synth", "-m", gguf.toString(), "--phoneme-ids", SHORT_IDS, "--speaker", "2", "--seed", "5", "-o", wav.toString());
        assertEquals(0, s.code(), s.err());
        assertTrue(Files.size(wav) > 44 + 1000);
        Result bench = run("bench", "-m", gguf.toString(), "--runs", "2", "--warmup", "1", "--threads", "1", "--json");
        assertEquals(0, bench.code(), bench.err());
        String[] lines = bench.out().strip().split("\n");
        String json = lines[lines.length - 1];
        for (String key : new String[] {"audio_seconds", "synth_ms_best", "synth_ms_median", "rtf", "first_audio_ms",
                "peak_heap_mb", "model_bytes", "threads"}) {
            assertTrue(json.contains("\"" + key + "\":"), key + " missing in " + json);
        }
        assertTrue(json.startsWith("{") && json.endsWith("}"), json);
    }

    @Test
    void synthRefusesBadInputWithOneLine() throws IOException {
        String model = voice("tiny-r2").toString();
        Result ids = run("synth", "-m", model, "--phoneme-ids", "1,x,2", "-o", dir.resolve("a.wav").toString());
        assertEquals(1, ids.code());
        assertTrue(ids.err().contains("'x'"), ids.err());
        Result range = run("synth", "-m", model, "--phoneme-ids", "1,9999,2", "-o", dir.resolve("b.wav").toString());
        assertEquals(1, range.code());
        assertTrue(range.err().contains("9999"), range.err());
        Result speaker = run("synth", "-m", model, "--phoneme-ids", "1,0,2", "--speaker", "4", "-o", dir.resolve("c.wav").toString());
        assertEquals(1, speaker.code());
        assertTrue(speaker.err().contains("speaker 4"), speaker.err());
        Result nothing = run("synth", "-m", model, "--text", "  ", "-o", dir.resolve("d.wav").toString());
        assertEquals(1, nothing.code());
        assertTrue(nothing.err().contains("nothing to say"), nothing.err());
        assertFalse(Files.exists(dir.resolve("a.wav")) || Files.exists(dir.resolve("b.wav")) || Files.exists(dir.resolve("d.wav")));
    }

    @Test
    void phonemizeGivesTheFixturesIdsAndSynthSpeaksText() throws IOException {
        String model = voice("tiny-r2").toString();
        Result ids = run("phonemize", "-m", model, "--ids", "--text", "Hello world.");
        assertEquals(0, ids.code(), ids.err());
        assertEquals(SHORT_IDS, ids.out().strip());
        Result ipa = run("phonemize", "--text", "Hello world. How are you?");
        assertEquals("həlˈoʊ wˈɜːld.\nhˈaʊ ɑːɹ juː?", ipa.out().strip());
        Path lines = dir.resolve("lines.txt");
        Files.writeString(lines, "One. Two.\n\nThree\n");
        Result file = run("phonemize", "--file", lines.toString());
        assertEquals(3, file.out().split("\n", -1).length - 1, "one output line per input line: " + file.out());
        Path wav = dir.resolve("text.wav");
        Result synth = run("synth", "-m", model, "--text", "Hello world. Goodbye.", "--seed", "1", "-o", wav.toString());
        assertEquals(0, synth.code(), synth.err());
        assertTrue(synth.out().contains("2 sentence(s)"), synth.out());
        Result java = run("phonemize", "--phonemizer", "java", "--text", "Hello world.");
        assertEquals(0, java.code(), java.err());
        assertEquals("həlˈoʊ wˈɜːld.", java.out().strip());
        Result german = run("phonemize", "--phonemizer", "java", "--voice", "de", "--text", "Hallo");
        assertEquals(1, german.code());
        assertTrue(german.err().contains("English"), german.err());
    }

    @Test
    void normalizePrintsOneLinePerInputLine() throws IOException {
        Result r = run("normalize", "--text", "Dr. Smith paid $3.50 on May 1st.");
        assertEquals(0, r.code(), r.err());
        assertEquals("Doctor Smith paid three dollars and fifty cents on May first.", r.out().strip());
        Path lines = dir.resolve("in.txt");
        Files.writeString(lines, "1st\n\n45%\n");
        Result f = run("normalize", "--file", lines.toString());
        assertEquals("first\n\nforty-five percent\n", f.out());
    }

    @Test
    void saySpeaksToAFileWithTimings() throws IOException {
        Path wav = dir.resolve("say.wav");
        Path json = dir.resolve("say.json");
        Result r = run("say", "-m", voice("tiny-r2").toString(), "--phonemizer", "java", "--speed", "1.2",
                "-o", wav.toString(), "--timings", json.toString(), "Hello world. Goodbye!");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("2 sentence(s)"), r.out());
        String t = Files.readString(json);
        assertTrue(t.startsWith("{\"chunks\":[{\"sentence\":0,\"text\":\"Hello world.\"") && t.contains("[\"Hello\","), t);
        Path srt = dir.resolve("say.srt");
        Result sub = run("say", "-m", voice("tiny-r2").toString(), "--phonemizer", "java",
                "-o", wav.toString(), "--timings", srt.toString(), "Hello world. Goodbye!");
        assertEquals(0, sub.code(), sub.err());
        String cues = Files.readString(srt);
        assertTrue(cues.startsWith("1\n00:00:00,") && cues.contains("\nHello world.\n\n2\n") && cues.contains("\nGoodbye!\n"), cues);
        Result bad = run("say", "-m", voice("tiny-r2").toString(), "--speed", "0", "-o", wav.toString(), "hi");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("speed"), bad.err());
    }

    @Test
    void sayWritesTheFormatItsExtensionNames() throws Exception {
        Ffmpeg.require();
        String voice = voice("tiny-r2").toString();
        String text = "Hello world. This is a test of every format.";
        Path wav = dir.resolve("f.wav");
        assertEquals(0, run("say", "-m", voice, "--phonemizer", "java", "-o", wav.toString(), text).code());
        double seconds = Ffmpeg.seconds(wav);
        double tolerance = Math.max(0.01 * seconds, 0.1);
        for (String ext : new String[] {"mp3", "opus", "ogg", "flac"}) {
            Path file = dir.resolve("f." + ext);
            Result r = run("say", "-m", voice, "--phonemizer", "java", "-o", file.toString(), text);
            assertEquals(0, r.code(), r.err());
            assertEquals(seconds, Ffmpeg.seconds(file), tolerance, ext);
        }
        Path pcm = dir.resolve("f.pcm");
        assertEquals(0, run("say", "-m", voice, "--phonemizer", "java", "-o", pcm.toString(), text).code());
        assertEquals(seconds, Files.size(pcm) / 2.0 / 24_000, tolerance, "pcm: s16le at 24 kHz");
        Path named = dir.resolve("audio.bin");
        Result forced = run("say", "-m", voice, "--phonemizer", "java", "--format", "flac", "-o", named.toString(), text);
        assertEquals(0, forced.code(), forced.err());
        assertEquals("fLaC", new String(Files.readAllBytes(named), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        Result unknown = run("say", "-m", voice, "-o", dir.resolve("x.m4a").toString(), text);
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("cannot tell the format of 'x.m4a'"), unknown.err());
        Result badFormat = run("say", "-m", voice, "--format", "aac", "-o", dir.resolve("x.aac").toString(), text);
        assertEquals(1, badFormat.code());
        assertTrue(badFormat.err().contains("--format must be one of wav, mp3, opus, flac, pcm"), badFormat.err());
        assertFalse(Files.exists(dir.resolve("x.m4a")) || Files.exists(dir.resolve("x.aac")));
    }

    @Test
    void everyHelpPrintsWithoutWarnings() {
        for (String[] cmd : new String[][] {{"--help"}, {"say", "--help"}, {"synth", "--help"}, {"serve", "--help"}, {"voices", "--help"},
                {"voices", "list", "--help"}, {"voices", "download", "--help"}, {"voices", "remove", "--help"}, {"convert", "--help"},
                {"quantize", "--help"}, {"bench", "--help"}, {"inspect", "--help"}, {"system", "--help"}, {"phonemize", "--help"},
                {"normalize", "--help"}}) {
            java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
            java.io.PrintStream before = System.err;
            System.setErr(new java.io.PrintStream(stderr, true, java.nio.charset.StandardCharsets.UTF_8)); // picocli warns on System.err
            Result r;
            try {
                r = run(cmd);
            } finally {
                System.setErr(before);
            }
            assertEquals(0, r.code(), String.join(" ", cmd) + ": " + r.err());
            assertEquals("", r.err() + stderr.toString(java.nio.charset.StandardCharsets.UTF_8), String.join(" ", cmd) + " printed warnings");
            assertFalse(r.out().contains("%n") || r.out().contains("%%"), String.join(" ", cmd) + ": " + r.out());
        }
    }

    @Test
    void serveRefusesAnEmptyApiKey() {
        Result r = run("serve", "-m", voice("tiny-r2").toString(), "--port", "0", "--api-key", "");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--api-key is empty"), r.err());
    }

    @Test
    void sayTakesPitchStyleAndSsml() throws IOException {
        Path wav = dir.resolve("ssml.wav");
        Path vtt = dir.resolve("ssml.vtt");
        String voice = voice("tiny-r2").toString();
        Result r = run("say", "-m", voice, "--phonemizer", "java", "--pitch", "3", "--emotion", "calm", "--ssml", "-o", wav.toString(),
                "--timings", vtt.toString(), "<speak><break time=\"200ms\"/>Hello <emphasis>there</emphasis>.</speak>");
        assertEquals(0, r.code(), r.err());
        String cues = Files.readString(vtt);
        assertTrue(cues.startsWith("WEBVTT\n\n1\n00:00:00.") && cues.contains("Hello"), cues);
        Result badSsml = run("say", "-m", voice, "--ssml", "-o", wav.toString(), "<speak>Hello <break></speak>");
        assertEquals(1, badSsml.code());
        assertTrue(badSsml.err().contains("invalid SSML at line 1"), badSsml.err());
        assertTrue(!badSsml.err().contains("Exception"), badSsml.err());
        Result badStyle = run("say", "-m", voice, "--emotion", "bored", "-o", wav.toString(), "hi");
        assertEquals(1, badStyle.code());
        assertTrue(badStyle.err().contains("neutral, happy, sad, angry, calm, excited, whisper"), badStyle.err());
        Result badPitch = run("say", "-m", voice, "--pitch", "20", "-o", wav.toString(), "hi");
        assertEquals(1, badPitch.code());
        assertTrue(badPitch.err().contains("pitch"), badPitch.err());
    }
}
