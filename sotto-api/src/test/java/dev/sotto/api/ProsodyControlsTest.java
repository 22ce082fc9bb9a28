package dev.sotto.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.audio.PitchEstimator;
import dev.sotto.onnx.testing.PiperFixtures;
import dev.sotto.tensor.GgmlType;
import dev.sotto.text.SsmlException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pitch, styles and SSML on the medium fixture (random weights: its output buzzes at the frame rate, 86 Hz, which
 * gives the F0 estimator a steady pitch to measure).
 */
class ProsodyControlsTest {
    private static final String TEXT = "Offline speech keeps your voice on your device.";
    private static Voice voice;

    @TempDir
    static Path dir;

    /** The medium voice, loaded once; each test is skipped (with the reason) when the shared fixture is absent. */
    private static synchronized Voice voice() throws IOException {
        if (voice == null) {
            voice = Voice.load(PiperFixtures.gguf("piper-medium", GgmlType.Q8_0, dir.resolve("medium.gguf")));
        }
        return voice;
    }

    @AfterAll
    static void close() {
        if (voice != null) { // null when the medium fixture is absent and the tests were skipped
            voice.close();
        }
    }

    private static SynthesisOptions.Builder flat() {
        return SynthesisOptions.builder().phonemizer("java").variation(0f);
    }

    private static float[] say(String text, SynthesisOptions o) throws IOException {
        try (SpeechStream s = voice().synthesize(text, o)) {
            return s.readAll();
        }
    }

    private static double rmsDb(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * (double) v;
        }
        return 10 * Math.log10(s / x.length);
    }

    @Test
    void pitchShiftKeepsDurationAndMovesF0ByTheIntendedRatio() throws IOException {
        PitchEstimator yin = new PitchEstimator(voice().sampleRate(), 50, 400);
        float[] base = say(TEXT, flat().build());
        double f0 = yin.medianPitch(base);
        assertTrue(f0 > 50 && f0 < 400, "model output F0 " + f0);
        for (float semitones : new float[] {-4f, 4f}) {
            float[] shifted = say(TEXT, flat().pitch(semitones).build());
            assertEquals(base.length, shifted.length, "duration kept at " + semitones + " st");
            double ratio = yin.medianPitch(shifted) / f0;
            double intended = Math.pow(2, semitones / 12.0);
            assertTrue(Math.abs(ratio / intended - 1) < 0.03, semitones + " st: F0 ratio " + ratio + ", intended " + intended);
        }
    }

    @Test
    void stylesChangeRateAndLevelAsDocumented() throws IOException {
        float[] neutral = say(TEXT, flat().build());
        float[] sad = say(TEXT, flat().style("sad").build());
        float[] excited = say(TEXT, flat().style(SpeakingStyle.EXCITED).build());
        float[] whisper = say(TEXT, flat().style("Whisper").build());
        assertTrue(sad.length > neutral.length * 1.1, "sad is slower");
        assertTrue(excited.length < neutral.length * 0.9, "excited is faster");
        double quieter = rmsDb(neutral) - rmsDb(whisper);
        assertTrue(quieter > 3 && quieter < 9, "whisper is about 6 dB quieter: " + quieter);
        PitchEstimator yin = new PitchEstimator(voice().sampleRate(), 50, 400);
        long voicedNeutral = java.util.Arrays.stream(yin.track(neutral, 1024)).filter(v -> !Double.isNaN(v)).count();
        double[] whisperTrack = yin.track(whisper, 1024);
        long voicedWhisper = java.util.Arrays.stream(whisperTrack).filter(v -> !Double.isNaN(v)).count();
        assertTrue(voicedNeutral > 0 && voicedWhisper < 0.1 * whisperTrack.length, "whispered frames voiced: " + voicedWhisper + " of "
                + whisperTrack.length + " (neutral: " + voicedNeutral + ")");
        for (SpeakingStyle s : SpeakingStyle.PRESETS) {
            assertTrue(say("Yes.", flat().style(s).build()).length > 0, s.name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SynthesisOptions.builder().style("bored"));
        assertTrue(e.getMessage().contains("neutral, happy, sad, angry, calm, excited, whisper"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> flat().pitch(13).build());
    }

    @Test
    void ssmlBreaksProsodyAndErrors() throws IOException {
        List<AudioChunk> chunks = new ArrayList<>();
        try (SpeechStream s = voice().synthesize("<speak>Hello there. <break time=\"300ms\"/><prosody rate=\"x-slow\" volume=\"-6dB\">"
                + "Goodbye.</prosody></speak>", flat().ssml(true).build())) {
            s.forEach(chunks::add);
        }
        List<AudioChunk> pauses = chunks.stream().filter(c -> c.text().isEmpty()).toList();
        assertEquals(1, pauses.size());
        assertEquals(Math.round(0.3 * voice().sampleRate()), pauses.get(0).samples().length);
        assertEquals(pauses.get(0).samples().length, pauses.get(0).silenceSamples());
        int before = chunks.indexOf(pauses.get(0)) - 1;
        assertEquals(0, chunks.get(before).silenceSamples(), "the break replaces the sentence silence");
        float[] slow = chunks.stream().filter(c -> c.text().equals("Goodbye.")).map(AudioChunk::samples).reduce(ProsodyControlsTest::concat).orElseThrow();
        float[] normal = say("Goodbye.", flat().build());
        assertTrue(slow.length > normal.length * 1.4, "x-slow is 0.6 times the rate: " + slow.length + " vs " + normal.length);
        assertTrue(rmsDb(normal) - rmsDb(slow) > 3, "-6 dB is quieter");
        SsmlException e = assertThrows(SsmlException.class, () -> voice().synthesize("<speak>Hello <break></speak>", flat().ssml(true).build()));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
        // Silence is capped per request: seven breaks of 10 s are refused before any audio.
        IllegalArgumentException wall = assertThrows(IllegalArgumentException.class, () -> voice().synthesize(
                "<speak>Hi." + "<break time=\"10s\"/>".repeat(7) + "</speak>", flat().ssml(true).build()));
        assertTrue(wall.getMessage().contains("more than 60 s of silence"), wall.getMessage());
        // Without the ssml option, markup is text like any other (and nothing fails).
        assertTrue(say("<speak>Hi</speak>", flat().build()).length > 0);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
