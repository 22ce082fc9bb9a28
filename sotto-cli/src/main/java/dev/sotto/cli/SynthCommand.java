package dev.sotto.cli;

import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import dev.sotto.kernel.Kernels;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Synthesizes one utterance to a WAV file. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Synthesize speech from phoneme ids (or text, once the text front end exists) into a WAV file.")
final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Voices.ModelOptions voice;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "text to speak (needs the text front end)")
        String text;

        @Option(names = "--phoneme-ids", paramLabel = "IDS", description = "comma-separated phoneme ids, e.g. 1,0,20,0,2")
        String ids;
    }

    @ArgGroup(multiplicity = "1")
    Input input;

    @Option(names = "--speaker", defaultValue = "0", description = "speaker id (default: ${DEFAULT-VALUE})")
    int speaker;

    @Option(names = "--noise-scale", description = "voice variation (default: the voice's, usually 0.667)")
    Float noiseScale;

    @Option(names = "--length-scale", description = "duration scale, larger is slower (default: the voice's, usually 1)")
    Float lengthScale;

    @Option(names = "--noise-w", description = "rhythm variation (default: the voice's, usually 0.8)")
    Float noiseW;

    @Option(names = "--seed", description = "noise seed for reproducible output (default: random)")
    Long seed;

    @Option(names = "--no-normalize", description = "write the model's raw samples instead of peak-normalised audio")
    boolean noNormalize;

    @Option(names = "--sample-format", defaultValue = "s16", paramLabel = "FMT", description = "s16 or f32 (default: ${DEFAULT-VALUE})")
    String sampleFormat;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.wav", description = "output WAV file (written atomically)")
    Path output;

    @Override
    public Integer call() throws Exception {
        SampleFormat format = SampleFormat.parse(sampleFormat);
        if (input.text != null) {
            throw new SottoCli.UserError("--text needs the text front end, which is not built yet; pass --phoneme-ids instead");
        }
        int[] ids = Voices.parseIds(input.ids);
        try (VitsModel m = voice.open()) {
            VitsParams p = new VitsParams(
                    noiseScale != null ? noiseScale : Voices.defaultFloat(m, "piper.noise_scale", 0.667f),
                    lengthScale != null ? lengthScale : Voices.defaultFloat(m, "piper.length_scale", 1f),
                    noiseW != null ? noiseW : Voices.defaultFloat(m, "piper.noise_w", 0.8f),
                    speaker, seed != null ? seed : new SecureRandom().nextLong());
            VitsModel.Result r = m.synthesize(ids, p, Kernels.shared());
            float[] audio = r.audio();
            if (!noNormalize) {
                Wav.normalizePeak(audio, 1f);
            }
            int rate = m.config().sampleRate();
            Wav.write(output, audio, rate, format);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s: %.2f s of audio at %d Hz (%s), %d ids -> %d frames%n", output.getFileName(),
                    audio.length / (double) rate, rate, format.name().toLowerCase(java.util.Locale.ROOT), ids.length,
                    java.util.Arrays.stream(r.frames()).sum());
        }
        return 0;
    }
}
