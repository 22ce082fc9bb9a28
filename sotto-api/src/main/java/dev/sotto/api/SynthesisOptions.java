package dev.sotto.api;

import dev.sotto.text.Lexicon;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How to speak: an immutable set of options, built with {@link #builder()} and validated on construction. The
 * options are the same for every model family; {@code Voice.info()} tells how a family honours them (the README
 * has a table): speed is a duration input for Piper voices and a time stretch for Pocket TTS voices, variation
 * scales Piper's noise scales and Pocket's temperature, and so on.
 *
 * @param speaker speaker id (0 for single-speaker voices)
 * @param voice a preset voice by name, or a voice file (Pocket TTS: {@code .safetensors} voice state); null for the
 *     model's default
 * @param speed speaking rate, 1 = the voice's own; 2 is twice as fast
 * @param pitch pitch shift in semitones, -12..12, duration kept (WSOLA time stretch, then band-limited resampling)
 * @param volumeDb gain in decibels; peaks above full scale are limited rather than clipped
 * @param style a prosody preset ({@link SpeakingStyle}) combined with the controls above
 * @param variation multiplier of the model's sampling noise (0 = the flattest delivery, 1 = the voice's default)
 * @param seed noise seed; equal requests with equal seeds give equal audio (to within float rounding)
 * @param sentenceSilence seconds of silence after each sentence but the last (between the sentences sotto splits;
 *     a model that splits a passage itself, such as Pocket TTS, makes its own pauses)
 * @param phonemizer "auto" (espeak-ng when installed, else pure Java), "espeak" or "java", for phoneme-based voices
 * @param normalize whether numbers, dates and symbols are written out first; null for the family's default (on for
 *     phoneme-based voices, off for models trained on raw text)
 * @param lexicon user pronunciations (phoneme-based voices)
 * @param lowPower less work at a loss of quality (each family says what it skips)
 * @param ssml whether the text is SSML ({@link dev.sotto.text.Ssml} lists the subset)
 * @param limit soft-limit peaks (true, the default); false leaves the samples as the model made them (after volume)
 * @param streaming small first chunks for low latency (true, the default), or as few chunks as the model can
 * @param parameters the model's own generation parameters by name (noise_scale, temperature, ...), see
 *     {@code Voice.info().parameters()}; unset ones take the model's defaults
 */
public record SynthesisOptions(int speaker, String voice, float speed, float pitch, float volumeDb, SpeakingStyle style, float variation,
                               long seed, float sentenceSilence, String phonemizer, Boolean normalize, Lexicon lexicon, boolean lowPower,
                               boolean ssml, boolean limit, boolean streaming, Map<String, Double> parameters) {

    public SynthesisOptions {
        if (speaker < 0) {
            throw new IllegalArgumentException("speaker must not be negative, got " + speaker);
        }
        if (voice != null && voice.isBlank()) {
            throw new IllegalArgumentException("a voice name must not be blank");
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
        for (Map.Entry<String, Double> e : parameters.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " needs a finite value");
            }
        }
        parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Everything that shapes the audio, as one string (for cache keys). */
    String identity() {
        return speaker + "|" + voice + "|" + speed + "|" + pitch + "|" + volumeDb + "|" + style + "|" + variation + "|" + seed + "|"
                + sentenceSilence + "|" + phonemizer + "|" + normalize + "|" + lexicon.fingerprint() + "|" + lowPower + "|" + ssml + "|" + limit
                + "|" + streaming + "|" + new TreeMap<>(parameters);
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
        b.voice = voice;
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
        b.limit = limit;
        b.streaming = streaming;
        b.parameters.putAll(parameters);
        return b;
    }

    /** Builds {@link SynthesisOptions}; unset values take the defaults shown. */
    public static final class Builder {
        private int speaker = 0;
        private String voice = null;
        private float speed = 1f;
        private float pitch = 0f;
        private float volumeDb = 0f;
        private SpeakingStyle style = SpeakingStyle.NEUTRAL;
        private float variation = 1f;
        private long seed = 0L;
        private float sentenceSilence = 0.2f;
        private String phonemizer = "auto";
        private Boolean normalize = null;
        private Lexicon lexicon = Lexicon.empty();
        private boolean lowPower = false;
        private boolean ssml = false;
        private boolean limit = true;
        private boolean streaming = true;
        private final Map<String, Double> parameters = new LinkedHashMap<>();

        public Builder speaker(int id) {
            this.speaker = id;
            return this;
        }

        /** A preset voice's name or a voice file; null for the model's default. */
        public Builder voice(String nameOrFile) {
            this.voice = nameOrFile;
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

        /** Text normalization on or off; {@code null} for the family's default. */
        public Builder normalize(Boolean on) {
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

        /** Soft-limit peaks (default); false keeps the model's samples as they are. */
        public Builder limit(boolean on) {
            this.limit = on;
            return this;
        }

        /** Small first chunks (default), or as few chunks as the model can. */
        public Builder streaming(boolean on) {
            this.streaming = on;
            return this;
        }

        /** A model parameter by name (see {@code Voice.info().parameters()}). */
        public Builder parameter(String name, double value) {
            this.parameters.put(Objects.requireNonNull(name, "name"), value);
            return this;
        }

        public SynthesisOptions build() {
            return new SynthesisOptions(speaker, voice, speed, pitch, volumeDb, style, variation, seed, sentenceSilence, phonemizer, normalize,
                    lexicon, lowPower, ssml, limit, streaming, parameters);
        }
    }
}
