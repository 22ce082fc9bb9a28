package dev.sotto.cli;

import dev.sotto.api.AudioChunk;
import dev.sotto.api.SpeechStream;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Voice;
import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Samples;
import dev.sotto.audio.Wav;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Synthesizes text or phoneme ids to a WAV file with the model's raw controls. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Synthesize speech from text or phoneme ids into a WAV file, with the model's own controls (Piper: noise and"
                + " length scales; Pocket TTS: temperature, LSD steps, end of speech).")
final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Options.Model voice;

    @Mixin
    Options.Speaking speaking;

    @Mixin
    Options.ModelParameters parameters;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "text to speak (see --phonemizer for Piper voices)")
        String text;

        @Option(names = "--phoneme-ids", paramLabel = "IDS", description = "comma-separated phoneme ids, e.g. 1,0,20,0,2 (Piper voices)")
        String ids;
    }

    @ArgGroup(multiplicity = "1")
    Input input;

    @Option(names = "--no-normalize", description = "write the model's raw samples instead of peak-normalised audio")
    boolean noNormalize;

    @Option(names = "--no-text-normalize", description = "hand --text to the phonemizer as written (espeak-ng then reads numbers itself)")
    boolean noNormalizeText;

    @Option(names = "--sample-format", defaultValue = "s16", paramLabel = "FMT", description = "s16 or f32 (default: ${DEFAULT-VALUE})")
    String sampleFormat;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.wav", description = "output WAV file (written atomically)")
    Path output;

    @Option(names = "--sentence-silence", defaultValue = "0.2", paramLabel = "SECONDS",
            description = "silence between sentences (default: ${DEFAULT-VALUE})")
    float sentenceSilence;

    @Override
    public Integer call() throws Exception {
        SampleFormat format = SampleFormat.parse(sampleFormat);
        if (!(sentenceSilence >= 0 && sentenceSilence <= 10)) {
            throw new SottoCli.UserError("--sentence-silence must be between 0 and 10 seconds");
        }
        try (Voice v = voice.open()) {
            SynthesisOptions.Builder b = speaking.builder().sentenceSilence(sentenceSilence).limit(false).streaming(false)
                    .normalize(noNormalizeText ? Boolean.FALSE : null);
            b.seed(speaking.seed != null ? speaking.seed : new SecureRandom().nextLong());
            parameters.values().forEach(b::parameter);
            SynthesisOptions options = b.build();
            // Sentence by sentence: each is peak-normalized on its own unless the raw samples are asked for.
            List<float[]> parts = new ArrayList<>();
            List<float[]> sentence = new ArrayList<>();
            int current = -1;
            int sentences = 0;
            int tokens;
            try (SpeechStream s = input.text != null ? v.synthesize(input.text, options) : v.synthesizeIds(Voices.parseIds(input.ids), options)) {
                for (AudioChunk c : s) {
                    if (c.sentence() != current && !sentence.isEmpty()) {
                        parts.add(finishSentence(sentence));
                    }
                    if (c.sentence() != current) {
                        sentences++;
                        current = c.sentence();
                    }
                    sentence.add(c.samples());
                }
                tokens = s.tokenCount();
            }
            if (!sentence.isEmpty()) {
                parts.add(finishSentence(sentence));
            }
            float[] all = Samples.concat(parts);
            if (all.length == 0) {
                throw new SottoCli.UserError("the text has nothing to say");
            }
            int rate = v.sampleRate();
            Wav.write(output, all, rate, format);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "%s: %.2f s of audio at %d Hz (%s), %d sentence(s), %d input tokens%n", output.getFileName(),
                    all.length / (double) rate, rate, format.name().toLowerCase(Locale.ROOT), sentences, tokens);
        }
        return 0;
    }

    private float[] finishSentence(List<float[]> chunks) {
        float[] audio = Samples.concat(chunks);
        chunks.clear();
        if (!noNormalize) {
            Wav.normalizePeak(audio, 1f);
        }
        return audio;
    }
}
