package dev.sotto.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.pocket.PocketFixtures;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Pocket TTS voice (the tiny fixture) through the family-neutral API: preset voices beside the model, the model's
 * own parameters, speed as a time stretch, SSML breaks, sentence-level chunks and the phrase cache.
 */
class PocketVoiceTest {
    @TempDir
    static Path dir;

    private static Voice voice;

    @BeforeAll
    static void load() throws IOException {
        Path model = dir.resolve("pocket-tiny.gguf");
        Files.copy(PocketFixtures.gguf("tiny", GgmlType.F32), model);
        Path presets = dir.resolve("pocket-tiny.voices");
        Files.createDirectories(presets);
        Files.copy(PocketFixtures.file("tiny/voice.safetensors"), presets.resolve("alba.safetensors"));
        voice = Voice.load(model);
    }

    @AfterAll
    static void close() {
        voice.close();
    }

    /** Deterministic: temperature 0, no end of speech, the model's raw samples. */
    private static SynthesisOptions.Builder raw() {
        return SynthesisOptions.builder().parameter("temperature", 0).parameter("eos_threshold", 1e9).limit(false);
    }

    @Test
    void describesItselfAndSpeaksInItsDefaultPresetVoice() throws IOException {
        assertEquals("Pocket TTS", voice.info().family());
        assertEquals(24000, voice.sampleRate());
        assertEquals(List.of("alba"), voice.info().voices());
        assertEquals("alba", voice.info().defaultVoice());
        assertTrue(voice.listing().presetVoices().contains("alba"));
        float[] audio = voice.synthesize("hello there", raw().build()).readAll();
        float[] want = PocketFixtures.floats("tiny/short_voice_t0.audio.f32"); // the fixture's voice is the preset here
        assertEquals(want.length, audio.length);
        assertTrue(PocketFixtures.snrDb(want, audio) >= 40, "SNR " + PocketFixtures.snrDb(want, audio));
        float[] unconditioned = PocketFixtures.floats("tiny/short_novoice_t0.audio.f32");
        assertTrue(PocketFixtures.snrDb(unconditioned, audio) < 40, "the preset voice conditions the speech");
        assertThrows(IllegalArgumentException.class, () -> voice.synthesize("hi", raw().voice("nobody").build()).readAll());
        assertThrows(IllegalArgumentException.class, () -> voice.synthesize("hi", raw().parameter("noise_w", 0.5).build()));
        assertThrows(IllegalStateException.class, () -> voice.phonemize("hi", raw().build()));
    }

    @Test
    void speedIsATimeStretchAndBreaksArePauses() {
        float[] normal = voice.synthesize("hello there", raw().build()).readAll();
        float[] fast = voice.synthesize("hello there", raw().speed(2f).build()).readAll();
        assertEquals(Math.round(normal.length / 2.0), fast.length, "twice as fast: half the samples");
        List<AudioChunk> chunks = new ArrayList<>();
        voice.synthesize("<speak>Hello there.<break time=\"300ms\"/>Goodbye now.</speak>", raw().ssml(true).build()).forEach(chunks::add);
        List<AudioChunk> pauses = chunks.stream().filter(c -> c.text().isEmpty()).toList();
        assertEquals(1, pauses.size());
        assertEquals(Math.round(0.3 * 24000), pauses.get(0).samples().length);
        assertEquals(List.of("Hello there.", "", "Goodbye now."), chunks.stream().map(AudioChunk::text).distinct().toList());
        assertTrue(chunks.get(0).samples().length <= 1920, "the first chunk is one latent's audio");
    }

    @Test
    void aPassageIsCutAsUpstreamCutsItAndReplaysFromTheCache() {
        String text = "Alice visited the old museum in Paris on Monday, March 3, and paid $12.50. Later that evening, Bob cooked dinner"
                + " with warm soup. Would they travel again?";
        List<AudioChunk> chunks = new ArrayList<>();
        voice.synthesize(text, raw().parameter("frames_after_eos", 1).build()).forEach(chunks::add);
        assertEquals(List.of("Alice visited the old museum in Paris on Monday, March 3, and paid $12.50.",
                "Later that evening, Bob cooked dinner with warm soup. Would they travel again?"),
                chunks.stream().map(AudioChunk::text).distinct().toList(), "upstream's chunks are the sentences");
        assertEquals(List.of(0, 1), chunks.stream().map(AudioChunk::sentence).distinct().toList());
        PhraseCache cache = PhraseCache.inMemory(64 << 20);
        voice.useCache(cache);
        try {
            float[] first = voice.synthesize("hello there", raw().build()).readAll();
            float[] again = voice.synthesize("hello there", raw().build()).readAll();
            assertEquals(1, cache.hits());
            assertEquals(first.length, again.length);
        } finally {
            voice.useCache(null);
        }
    }
}
