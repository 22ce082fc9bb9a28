package dev.sotto.api;

import java.util.List;
import java.util.Locale;

/**
 * A speaking style: a prosody preset applied through the ordinary controls, not a model trained on emotions.
 * No supported family has an emotion input, so a style changes how the same voice delivers the text: its rate,
 * pitch, liveliness and loudness. Combined with a request's own options, rates multiply, pitch and level add.
 * Rate, pitch and energy work for every family; liveliness and rhythm act through the model's sampling noise and
 * so depend on the family (see {@link SynthesisOptions} and the README).
 *
 * @param name what the style is called in the API, CLI and server
 * @param rate speaking-rate factor
 * @param pitchSemitones pitch offset (duration-preserving pitch shift)
 * @param pitchRange factor on the model's sampling noise (Piper: noise scale, which widens or narrows the intonation
 *     the model samples; Pocket TTS: temperature): above 1 livelier, below 1 flatter; an approximation, not a
 *     measured F0 range
 * @param energyDb level offset (the limiter keeps loud styles from clipping)
 * @param variation factor on the duration noise (Piper: noise w): rhythm more (above 1) or less (below 1) varied;
 *     models without duration noise (Pocket TTS) ignore it
 * @param whispered whether the voice is turned into breath ({@link dev.sotto.audio.Whisperer}: the spectral envelope
 *     is kept, the pitch replaced by noise)
 */
public record SpeakingStyle(String name, float rate, float pitchSemitones, float pitchRange, float energyDb, float variation,
                            boolean whispered) {
    public static final SpeakingStyle NEUTRAL = new SpeakingStyle("neutral", 1f, 0f, 1f, 0f, 1f, false);
    public static final SpeakingStyle HAPPY = new SpeakingStyle("happy", 1.08f, 2f, 1.4f, 2f, 1.2f, false);
    public static final SpeakingStyle SAD = new SpeakingStyle("sad", 0.85f, -2f, 0.6f, -4f, 0.7f, false);
    public static final SpeakingStyle ANGRY = new SpeakingStyle("angry", 1.1f, 1f, 1.3f, 5f, 1.3f, false);
    public static final SpeakingStyle CALM = new SpeakingStyle("calm", 0.92f, -1f, 0.8f, -2f, 0.8f, false);
    public static final SpeakingStyle EXCITED = new SpeakingStyle("excited", 1.18f, 3f, 1.6f, 4f, 1.4f, false);
    /** Breath instead of voice (the envelope of the speech over noise), a little slower and quieter. */
    public static final SpeakingStyle WHISPER = new SpeakingStyle("whisper", 0.92f, 0f, 1f, -6f, 0.8f, true);

    /** The presets, in the order they are listed to users. */
    public static final List<SpeakingStyle> PRESETS = List.of(NEUTRAL, HAPPY, SAD, ANGRY, CALM, EXCITED, WHISPER);

    public SpeakingStyle {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a style needs a name");
        }
        if (!(rate >= 0.5f && rate <= 2f) || !(pitchSemitones >= -6f && pitchSemitones <= 6f) || !(pitchRange >= 0f && pitchRange <= 2f)
                || !(energyDb >= -30f && energyDb <= 12f) || !(variation >= 0f && variation <= 2f)) {
            throw new IllegalArgumentException("style '" + name + "' is outside rate 0.5..2, pitch -6..6 st, range 0..2, energy -30..12 dB,"
                    + " variation 0..2");
        }
    }

    /** The preset called {@code name} (case-insensitive). */
    public static SpeakingStyle byName(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (SpeakingStyle s : PRESETS) {
            if (s.name.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown style '" + name + "'; styles are " + names());
    }

    /** The preset names, comma-separated. */
    public static String names() {
        return String.join(", ", PRESETS.stream().map(SpeakingStyle::name).toList());
    }
}
