package dev.sotto.cli;

import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import dev.sotto.kernel.Kernels;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import dev.sotto.text.Phonemizers;
import dev.sotto.text.PhonemeIdMap;
import dev.sotto.text.EnglishNormalizer;
import dev.sotto.text.Lexicon;
import dev.sotto.text.SentenceSplitter;
import dev.sotto.text.TextFrontEnd;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Synthesizes one utterance to a WAV file. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Synthesize speech from phoneme ids or text into a WAV file, with Piper's raw controls (noise and length scales).")
final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Voices.ModelOptions voice;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "text to speak (see --phonemizer)")
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

    @Option(names = "--no-text-normalize", description = "hand --text to espeak-ng as written (it then reads numbers itself)")
    boolean noNormalizeText;

    @Option(names = "--lexicon", paramLabel = "FILE", description = "user lexicon for --text: lines of 'word<TAB>ipa'")
    Path lexicon;

    @Option(names = "--phonemizer", defaultValue = "auto", paramLabel = "NAME",
            description = "espeak, java (pure Java, English) or auto: espeak-ng when installed (default: ${DEFAULT-VALUE})")
    String phonemizer;

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
        try (VitsModel m = voice.open()) {
            List<int[]> sentences = new ArrayList<>();
            if (input.text != null) {
                PhonemeIdMap map = Voices.phonemeIdMap(m);
                TextFrontEnd frontEnd = new TextFrontEnd(new SentenceSplitter(), noNormalizeText ? null : new EnglishNormalizer(),
                        Phonemizers.create(phonemizer, Voices.espeakVoice(m)), lexicon == null ? Lexicon.empty() : Lexicon.read(lexicon));
                for (String phonemes : frontEnd.phonemes(input.text)) {
                    PhonemeIdMap.Ids ids = map.sentence(phonemes);
                    if (!ids.unknown().isEmpty()) {
                        spec.commandLine().getErr().println("sotto: skipped phonemes the voice does not know: " + ids.unknown());
                    }
                    sentences.add(ids.ids());
                }
                if (sentences.isEmpty()) {
                    throw new SottoCli.UserError("the text has nothing to say");
                }
            } else {
                sentences.add(Voices.parseIds(input.ids));
            }
            VitsParams p = new VitsParams(
                    noiseScale != null ? noiseScale : Voices.defaultFloat(m, "piper.noise_scale", 0.667f),
                    lengthScale != null ? lengthScale : Voices.defaultFloat(m, "piper.length_scale", 1f),
                    noiseW != null ? noiseW : Voices.defaultFloat(m, "piper.noise_w", 0.8f),
                    speaker, seed != null ? seed : new SecureRandom().nextLong());
            int rate = m.config().sampleRate();
            int gap = Math.round(sentenceSilence * rate);
            List<float[]> parts = new ArrayList<>();
            int total = 0;
            int frames = 0;
            for (int[] ids : sentences) {
                VitsModel.Result r = m.synthesize(ids, p, Kernels.shared());
                float[] audio = r.audio();
                if (!noNormalize) {
                    Wav.normalizePeak(audio, 1f);
                }
                parts.add(audio);
                total += audio.length;
                frames += java.util.Arrays.stream(r.frames()).sum();
            }
            total += gap * (parts.size() - 1);
            float[] all = new float[total];
            int at = 0;
            for (float[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length + gap;
            }
            Wav.write(output, all, rate, format);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%s: %.2f s of audio at %d Hz (%s), %d sentence(s), %d frames%n", output.getFileName(),
                    all.length / (double) rate, rate, format.name().toLowerCase(java.util.Locale.ROOT), parts.size(), frames);
        }
        return 0;
    }
}
