package dev.sotto.api;

import dev.sotto.text.Lexicon;
import java.util.Objects;

/**
 * How to speak: an immutable set of options, built with {@link #builder()} and validated on construction.
 *
 * @param speaker speaker id (0 for single-speaker voices)
 * @param speed speaking rate, 1 = the voice's own; 2 is twice as fast (the duration scale is divided by it)
 * @param pitch pitch shift in semitones, -12..12, duration kept (WSOLA time stretch, then band-limited resampling)
 * @param volumeDb gain in decibels; peaks above full scale are limited rather than clipped
 * @param style a prosody preset ({@link SpeakingStyle}) combined with the controls above
 * @param variation multiplier of the voice's noise scales (0 = the flattest delivery, 1 = the voice's default)
 * @param seed noise seed; equal requests with equal seeds give equal audio (to within float rounding)
 * @param sentenceSilence seconds of silence after each sentence but the last
 * @param phonemizer "auto" (espeak-ng when installed, else pure Java), "espeak" or "java"
 * @param normalize whether numbers, dates and symbols are written out before phonemization
 * @param lexicon user pronunciations
 * @param lowPower skip every other text-encoder layer and all but one residual block per decoder stage: about
 *     1.6x less work, at a loss of quality (measured in LowPowerReportTest)
 * @param ssml whether the text is SSML ({@link dev.sotto.text.Ssml} lists the subset)
 */
public record SynthesisOptions(int speaker, float speed, float pitch, float volumeDb, SpeakingStyle style, float variation, long seed,
                               float sentenceSilence, String phonemizer, boolean normalize, Lexicon lexicon, boolean lowPower,
                               boolean ssml) {

    public SynthesisOptions {
        if (speaker < 0) {
            throw new IllegalArgumentException("speaker must not be negative, got " + speaker);
        }
        if (!(speed >= 0.25f && speed <= 4f)) {
            throw new IllegalArgumentException("speed must be between 0.25 and 4, got " + speed);
        }
        if (!(pitch >= -12f && pitch <= 12f)) {
            throw new IllegalArgumentException("pitch must be between -12 and +12 semitones, got " + pitch);
        }
        Objects.requireNonNull(style, "style");
        if (!(volumeDb >= -60f && volumeDb <= 24f)) {
            throw new IllegalArgumentException("volume must be between -60 and +24 dB, got " + volumeDb);
        }
        if (!(variation >= 0f && variation <= 3f)) {
            throw new IllegalArgumentException("variation must be between 0 and 3, got " + variation);
        }
        if (!(sentenceSilence >= 0f && sentenceSilence <= 10f)) {
            throw new IllegalArgumentException("sentence silence must be between 0 and 10 seconds, got " + sentenceSilence);
        }
        Objects.requireNonNull(phonemizer, "phonemizer");
        if (!phonemizer.equals("auto") && !phonemizer.equals("espeak") && !phonemizer.equals("java")) {
            throw new IllegalArgumentException("phonemizer must be auto, espeak or java, not '" + phonemizer + "'");
        }
        Objects.requireNonNull(lexicon, "lexicon");
    }

    /** Everything that shapes the audio, as one string (for cache keys). */
    String identity() {
        return speaker + "|" + speed + "|" + pitch + "|" + volumeDb + "|" + style + "|" + variation + "|" + seed + "|" + sentenceSilence
                + "|" + phonemizer + "|" + normalize + "|" + lexicon.fingerprint() + "|" + lowPower + "|" + ssml;
    }

    public static SynthesisOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.speaker = speaker;
        b.speed = speed;
        b.pitch = pitch;
        b.volumeDb = volumeDb;
        b.style = style;
        b.variation = variation;
        b.seed = seed;
        b.sentenceSilence = sentenceSilence;
        b.phonemizer = phonemizer;
        b.normalize = normalize;
        b.lexicon = lexicon;
        b.lowPower = lowPower;
        b.ssml = ssml;
        return b;
    }

    /** Builds {@link SynthesisOptions}; unset values take the defaults shown. */
    public static final class Builder {
        private int speaker = 0;
        private float speed = 1f;
        private float pitch = 0f;
        private float volumeDb = 0f;
        private SpeakingStyle style = SpeakingStyle.NEUTRAL;
        private float variation = 1f;
        private long seed = 0L;
        private float sentenceSilence = 0.2f;
        private String phonemizer = "auto";
        private boolean normalize = true;
        private Lexicon lexicon = Lexicon.empty();
        private boolean lowPower = false;
        private boolean ssml = false;

        public Builder speaker(int id) {
            this.speaker = id;
            return this;
        }

        public Builder speed(float rate) {
            this.speed = rate;
            return this;
        }

        /** Semitones, -12..12. */
        public Builder pitch(float semitones) {
            this.pitch = semitones;
            return this;
        }

        public Builder style(SpeakingStyle s) {
            this.style = s;
            return this;
        }

        /** A preset by name: neutral, happy, sad, angry, calm, excited, whisper. */
        public Builder style(String name) {
            this.style = SpeakingStyle.byName(name);
            return this;
        }

        public Builder ssml(boolean on) {
            this.ssml = on;
            return this;
        }

        public Builder volumeDb(float db) {
            this.volumeDb = db;
            return this;
        }

        public Builder variation(float v) {
            this.variation = v;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder sentenceSilence(float seconds) {
            this.sentenceSilence = seconds;
            return this;
        }

        public Builder phonemizer(String name) {
            this.phonemizer = name;
            return this;
        }

        public Builder normalize(boolean on) {
            this.normalize = on;
            return this;
        }

        public Builder lexicon(Lexicon l) {
            this.lexicon = l;
            return this;
        }

        public Builder lowPower(boolean on) {
            this.lowPower = on;
            return this;
        }

        public SynthesisOptions build() {
            return new SynthesisOptions(speaker, speed, pitch, volumeDb, style, variation, seed, sentenceSilence, phonemizer, normalize,
                    lexicon, lowPower, ssml);
        }
    }
}
