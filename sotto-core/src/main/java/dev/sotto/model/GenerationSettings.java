package dev.sotto.model;

import java.util.Map;
import java.util.Objects;

/**
 * Family-neutral settings of one utterance. Each family documents how it honours them (its {@code ModelInfo}
 * says whether speed is native); a setting a family cannot honour is ignored there, never faked.
 *
 * @param speed speaking rate (1 = the model's own); honoured by models whose {@link ModelInfo#nativeSpeed()} is set,
 *     otherwise the caller time-stretches the audio
 * @param variation factor on the model's sampling noise (VITS: noise scale; Pocket TTS: temperature); 1 = default
 * @param rhythmVariation factor on duration noise (VITS: noise w); models without duration noise ignore it
 * @param speaker speaker id of a multi-speaker model (0 otherwise)
 * @param voice a preset voice's name or a voice file, for models with voices; null for the model's default
 * @param seed noise seed: equal settings and seeds give equal audio (to within float rounding)
 * @param lowPower trade quality for less work (each family says what it skips)
 * @param streaming small first pieces for low latency (true), or as few pieces as the model can (throughput)
 * @param parameters values for the model's {@link ModelParameter}s by name; unset ones take the model's defaults
 */
public record GenerationSettings(float speed, float variation, float rhythmVariation, int speaker, String voice, long seed,
                                 boolean lowPower, boolean streaming, Map<String, Double> parameters) {

    public GenerationSettings {
        if (!(speed >= 0.25f && speed <= 4f)) {
            throw new IllegalArgumentException("speed must be between 0.25 and 4, got " + speed);
        }
        if (!(variation >= 0f && variation <= 10f) || !(rhythmVariation >= 0f && rhythmVariation <= 10f)) {
            throw new IllegalArgumentException("variation factors must be between 0 and 10");
        }
        if (speaker < 0) {
            throw new IllegalArgumentException("speaker must not be negative, got " + speaker);
        }
        parameters = Map.copyOf(Objects.requireNonNull(parameters, "parameters"));
    }

    /** The model's defaults, seed 0, streaming. */
    public static GenerationSettings defaults() {
        return new GenerationSettings(1f, 1f, 1f, 0, null, 0L, false, true, Map.of());
    }

    /** The value of {@code p}: set explicitly, else its default (null when it has none). */
    public Double valueOf(ModelParameter p) {
        Double v = parameters.get(p.name());
        if (v == null) {
            return p.defaultValue();
        }
        return p.check(v);
    }
}
