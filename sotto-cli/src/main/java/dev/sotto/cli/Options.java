package dev.sotto.cli;

import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Voice;
import dev.sotto.kernel.Kernels;
import dev.sotto.text.Lexicon;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options several commands share, as picocli mixins. */
final class Options {
    private Options() {
    }

    /** {@code -m MODEL} (required) and {@code --config} for a Piper {@code .onnx}. */
    static final class Model {
        @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL",
                description = "a .gguf voice (any family), a Piper .onnx (converted on the fly) or an installed voice's name")
        Path model;

        @Option(names = "--config", paramLabel = "JSON",
                description = "Piper config for an .onnx model (default: MODEL.json beside it)")
        Path config;

        Voice open() throws IOException {
            return open(Kernels.shared());
        }

        /** The voice, computing on {@code kernels}. */
        Voice open(Kernels kernels) throws IOException {
            model = Voices.resolve(model);
            return Voices.open(model, config, kernels);
        }
    }

    /**
     * The generation parameters of the model families, by their own names: a flag set on the command line goes to
     * the model, which refuses one it does not have (Piper voices take the first three, Pocket TTS voices the rest).
     */
    static final class ModelParameters {
        @Option(names = "--noise-scale", paramLabel = "X", description = "Piper: voice variation (default: the voice's, usually 0.667)")
        Double noiseScale;

        @Option(names = "--length-scale", paramLabel = "X", description = "Piper: duration scale, larger is slower (default: the voice's)")
        Double lengthScale;

        @Option(names = "--noise-w", paramLabel = "X", description = "Piper: rhythm variation (default: the voice's, usually 0.8)")
        Double noiseW;

        @Option(names = "--temperature", paramLabel = "T", description = "Pocket TTS: sampling temperature (default: the model's, 0.7)")
        Double temperature;

        @Option(names = "--lsd-steps", paramLabel = "N", description = "Pocket TTS: flow decoding steps (default: 1)")
        Double lsdSteps;

        @Option(names = "--eos-threshold", paramLabel = "X", description = "Pocket TTS: end-of-speech logit threshold (default: -4)")
        Double eosThreshold;

        @Option(names = "--frames-after-eos", paramLabel = "N",
                description = "Pocket TTS: frames spoken after end of speech (default: the model's, else by sentence length)")
        Double framesAfterEos;

        /** The parameters set on the command line, by model name. */
        Map<String, Double> values() {
            Map<String, Double> m = new LinkedHashMap<>();
            put(m, "noise_scale", noiseScale);
            put(m, "length_scale", lengthScale);
            put(m, "noise_w", noiseW);
            put(m, "temperature", temperature);
            put(m, "lsd_steps", lsdSteps);
            put(m, "eos_threshold", eosThreshold);
            put(m, "frames_after_eos", framesAfterEos);
            return m;
        }

        private static void put(Map<String, Double> m, String name, Double v) {
            if (v != null) {
                m.put(name, v);
            }
        }
    }

    /** How to speak: the controls of {@link SynthesisOptions} that {@code say} and {@code synth} share. */
    static final class Speaking {
        @Option(names = "--speaker", defaultValue = "0", description = "speaker id of a multi-speaker voice (default: ${DEFAULT-VALUE})")
        int speaker;

        @Option(names = "--voice", paramLabel = "NAME|FILE", description = "a preset voice of the model (Pocket TTS: alba, marius, ...)"
                + " or a voice file (.safetensors voice state)")
        String voice;

        @Option(names = "--seed", description = "noise seed: same seed, same audio (default: 0)")
        Long seed;

        @Option(names = "--phonemizer", defaultValue = "auto", paramLabel = "NAME",
                description = "espeak, java (pure Java, English) or auto: espeak-ng when installed (default: ${DEFAULT-VALUE})")
        String phonemizer;

        @Option(names = "--lexicon", paramLabel = "FILE", description = "user lexicon: lines of 'word<TAB>ipa'")
        Path lexicon;

        @Option(names = "--low-power", description = "less work at a loss of quality (Piper: about 1.6x; Pocket TTS: every other"
                + " transformer layer): for devices on battery")
        boolean lowPower;

        /** A builder with these controls set (seed 0 unless given). */
        SynthesisOptions.Builder builder() throws IOException {
            return SynthesisOptions.builder().speaker(speaker).voice(voice).seed(seed == null ? 0L : seed).phonemizer(phonemizer)
                    .lexicon(lexicon == null ? Lexicon.empty() : Lexicon.read(lexicon)).lowPower(lowPower);
        }
    }
}
