package dev.sotto.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.audio.SampleFormat;
import dev.sotto.codec.OutputFormat;
import dev.sotto.onnx.testing.PiperFixtures;
import dev.sotto.tensor.GgmlType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthesis API on the multi-speaker tiny fixture (random weights: it speaks noise, with real timing). */
class VoiceTest {
    private static final String TEXT = "Hello world. This is sotto, speaking from pure Java! Is it working?";
    private static Voice voice;

    @TempDir
    static Path dir;

    @BeforeAll
    static void load() throws IOException {
        voice = Voice.load(PiperFixtures.gguf("tiny-r1-3spk", GgmlType.Q8_0, dir.resolve("tiny.gguf")));
    }

    @AfterAll
    static void close() {
        voice.close();
    }

    private static SynthesisOptions.Builder java() {
        return SynthesisOptions.builder().phonemizer("java").seed(3);
    }

    @Test
    void chunksStreamEachSentenceWithExactTimings() {
        List<AudioChunk> chunks = new ArrayList<>();
        try (SpeechStream s = voice.synthesize(TEXT, java().build())) {
            s.forEach(chunks::add);
        }
        List<String> texts = chunks.stream().map(AudioChunk::text).distinct().toList();
        assertEquals(List.of("Hello world.", "This is sotto, speaking from pure Java!", "Is it working?"), texts);
        assertTrue(chunks.size() > texts.size(), "sentences are streamed in several chunks");
        int first = chunks.get(0).samples().length;
        assertEquals(dev.sotto.vits.VitsModel.FIRST_STREAM_FRAMES * 256, first - chunks.get(0).silenceSamples(), "the first chunk is the first streamed range");
        for (String sentence : texts) {
            List<AudioChunk> parts = chunks.stream().filter(c -> c.text().equals(sentence)).toList();
            // Spans, placed on the sentence's timeline, tile it without gaps; words start and end on phonemes.
            List<Timing> phonemes = new ArrayList<>();
            List<Timing> words = new ArrayList<>();
            int offset = 0;
            for (AudioChunk c : parts) {
                for (Timing t : c.phonemeTimings()) {
                    phonemes.add(new Timing(t.label(), t.start() + offset, t.end() + offset));
                }
                for (Timing t : c.wordTimings()) {
                    words.add(new Timing(t.label(), t.start() + offset, t.end() + offset));
                }
                offset += c.samples().length - c.silenceSamples();
            }
            assertTrue(!phonemes.isEmpty());
            for (int i = 1; i < phonemes.size(); i++) {
                assertEquals(phonemes.get(i - 1).end(), phonemes.get(i).start(), "phoneme spans tile the sentence");
            }
            assertTrue(phonemes.get(phonemes.size() - 1).end() <= offset);
            assertEquals(0, phonemes.get(0).start() % 256, "spans sit on frame boundaries");
            for (Timing w : words) {
                assertTrue(phonemes.stream().anyMatch(p -> p.start() == w.start()), "word starts where a phoneme starts");
                assertTrue(phonemes.stream().anyMatch(p -> p.end() == w.end()), "word ends where a phoneme ends");
            }
            if (sentence.equals("Hello world.")) {
                assertEquals(List.of("Hello", "world"), words.stream().map(Timing::label).toList());
            }
            AudioChunk lastPart = parts.get(parts.size() - 1);
            boolean lastSentence = sentence.equals("Is it working?");
            assertEquals(lastSentence ? 0 : Math.round(0.2f * voice.sampleRate()), lastPart.silenceSamples());
        }
    }

    @Test
    void sameSeedSameAudioAcrossThreads() throws Exception {
        SynthesisOptions o = java().speaker(2).build();
        float[] reference = voice.synthesize(TEXT, o).readAll();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int speaker = i % 3;
                results.add(pool.submit(() -> voice.synthesize(TEXT, java().speaker(speaker).build()).readAll()));
            }
            float[] again = results.get(2).get(); // speaker 2, like the reference
            assertEquals(reference.length, again.length);
            double signal = 0;
            double noise = 0;
            for (int i = 0; i < reference.length; i++) {
                signal += reference[i] * reference[i];
                noise += (reference[i] - again[i]) * (reference[i] - again[i]);
            }
            assertTrue(noise == 0 || 10 * Math.log10(signal / noise) > 90, "concurrent call reproduces the sequential one");
            for (Future<float[]> f : results) {
                assertTrue(f.get().length > 0);
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void volumeSpeedAndLimits() {
        float[] normal = voice.synthesize("Hello world.", java().build()).readAll();
        float[] quiet = voice.synthesize("Hello world.", java().volumeDb(-20).build()).readAll();
        float[] loud = voice.synthesize("Hello world.", java().volumeDb(20).build()).readAll();
        assertTrue(peak(normal) > 0.1f && peak(normal) < 1f, "the voice's own level: " + peak(normal));
        float limitedNormal = Math.min(peak(normal), dev.sotto.audio.Level.KNEE);
        assertEquals(limitedNormal * 0.1f, peak(quiet), 0.01f * peak(normal));
        assertTrue(peak(loud) < 1f && peak(loud) > dev.sotto.audio.Level.KNEE, "limited below full scale: " + peak(loud));
        float[] fast = voice.synthesize("Hello world.", java().speed(2f).build()).readAll();
        assertTrue(fast.length < 0.65 * normal.length, normal.length + " -> " + fast.length);
    }

    private static float peak(float[] a) {
        float p = 0;
        for (float v : a) {
            p = Math.max(p, Math.abs(v));
        }
        return p;
    }

    @Test
    void writesWavAndPcm() throws IOException {
        Path wav = dir.resolve("out.wav");
        voice.synthesizeToFile(TEXT, java().build(), wav, SampleFormat.S16);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(wav)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x46464952, b.getInt(0), "RIFF");
        assertEquals(voice.sampleRate(), b.getInt(24));
        int dataBytes = b.getInt(40);
        assertEquals(Files.size(wav) - 44, dataBytes);
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        voice.synthesize(TEXT, java().build()).writePcm(pcm);
        assertEquals(dataBytes, pcm.size(), "same audio as raw PCM");
    }

    @Test
    void damagedWeightsAreAnErrorNotSilence() throws IOException {
        Path good = PiperFixtures.gguf("tiny-r2", GgmlType.F32, dir.resolve("f32.gguf"));
        Path nan = dir.resolve("nan.gguf");
        try (dev.sotto.gguf.GgufFile g = dev.sotto.gguf.GgufFile.open(good); java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            dev.sotto.gguf.GgufWriter w = new dev.sotto.gguf.GgufWriter();
            g.metadata().forEach(w::put);
            for (dev.sotto.gguf.GgufTensorInfo t : g.tensors()) {
                java.lang.foreign.MemorySegment data = g.data(t);
                if (t.name().equals("dec.conv_post.weight")) {
                    data = arena.allocate(data.byteSize(), 64);
                    data.fill((byte) 0xFF); // all NaN
                }
                w.addTensor(t.name(), t.dims(), t.type(), data);
            }
            w.write(nan);
        }
        try (Voice broken = Voice.load(nan)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> broken.synthesize("Hello.", java().build()).readAll());
            assertTrue(e.getMessage().contains("non-finite samples"), e.getMessage());
        }
    }

    @Test
    void writesEveryFormatToFilesAndStreams() throws IOException {
        Path reference = dir.resolve("ref.wav");
        voice.synthesize(TEXT, java().build()).writeWav(reference, SampleFormat.S16);
        Path wav = dir.resolve("api.wav");
        voice.synthesize(TEXT, java().build()).write(wav, OutputFormat.WAV);
        // The same file as writeWav, header included; samples within 1 LSB (vector reductions may round differently
        // before and after the JIT compiles them).
        byte[] expected = Files.readAllBytes(reference);
        byte[] actual = Files.readAllBytes(wav);
        assertArrayEquals(Arrays.copyOf(expected, 44), Arrays.copyOf(actual, 44));
        assertEquals(expected.length, actual.length);
        ByteBuffer e = ByteBuffer.wrap(expected).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer a = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 44; i < expected.length; i += 2) {
            assertEquals(e.getShort(i), a.getShort(i), 1, "sample " + (i - 44) / 2);
        }
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        voice.synthesize(TEXT, java().build()).write(streamed, OutputFormat.WAV);
        assertEquals(Files.size(wav), streamed.size());
        assertEquals(-1, ByteBuffer.wrap(streamed.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).getInt(40), "streamed: size placeholder");
        long samples = (Files.size(wav) - 44) / 2;
        Path flac = dir.resolve("api.flac");
        voice.synthesize(TEXT, java().build()).write(flac, OutputFormat.FLAC);
        long flacSamples = ByteBuffer.wrap(Files.readAllBytes(flac)).getLong(18) & 0xF_FFFF_FFFFL;
        assertEquals(samples, flacSamples, "FLAC's header completed with the length");
        for (OutputFormat f : OutputFormat.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            voice.synthesize(TEXT, java().build()).write(out, f);
            assertTrue(out.size() > 1000, f + ": " + out.size() + " bytes");
        }
    }

    @Test
    void badUseIsRefusedClearly() throws IOException {
        assertThrows(IllegalArgumentException.class, () -> voice.synthesize("hi", java().speaker(7).build()));
        assertThrows(IllegalArgumentException.class, () -> SynthesisOptions.builder().speed(0).build());
        assertThrows(IllegalArgumentException.class, () -> SynthesisOptions.builder().volumeDb(99).build());
        assertThrows(IllegalArgumentException.class, () -> SynthesisOptions.builder().phonemizer("festival").build());
        SpeechStream once = voice.synthesize("Hi.", java().build());
        once.readAll();
        assertThrows(IllegalStateException.class, once::readAll);
        // Text with nothing this voice can say is an error, not an empty file.
        for (String nothing : new String[] {"   ", "你好世界", "مرحبا", "😀😀", "......", "\u0000\u0000"}) {
            NothingToSayException none = assertThrows(NothingToSayException.class, () -> voice.synthesize(nothing, java().build()).readAll(),
                    nothing);
            assertTrue(none.getMessage().startsWith("nothing to say"), none.getMessage());
        }
        // What is skipped in a sentence that does speak is said (a warning on the API's logger).
        List<String> warnings = new ArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("dev.sotto.api");
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            assertTrue(voice.synthesize("Hello 你好 world, café 😀.", java().build()).readAll().length > 0);
        } finally {
            log.removeHandler(capture);
        }
        assertEquals(List.of("skipped what the phonemizer cannot read: 你好😀"), warnings);
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Voice.load(dir.resolve("absent.gguf")));
        Voice other = Voice.load(PiperFixtures.onnx("tiny-r2"));
        other.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.synthesize("hi", java().build()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void optionsBuilderRoundTrips() {
        SynthesisOptions o = SynthesisOptions.builder().speaker(1).speed(1.5f).volumeDb(-3).variation(0.5f).seed(9)
                .sentenceSilence(0.5f).phonemizer("java").normalize(false).build();
        assertEquals(o, o.toBuilder().build());
        assertArrayEquals(new float[] {1.5f, -3f, 0.5f, 0.5f}, new float[] {o.speed(), o.volumeDb(), o.variation(), o.sentenceSilence()});
    }
}
