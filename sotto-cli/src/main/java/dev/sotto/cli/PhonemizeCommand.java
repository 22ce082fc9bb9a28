package dev.sotto.cli;

import dev.sotto.api.Voice;
import dev.sotto.text.EnglishNormalizer;
import dev.sotto.text.Lexicon;
import dev.sotto.text.Phonemizers;
import dev.sotto.text.SentenceSplitter;
import dev.sotto.text.TextFrontEnd;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints the phonemes (or a voice's phoneme ids) of text. */
@Command(name = "phonemize", mixinStandardHelpOptions = true,
        description = "Print the IPA phonemes of text: one line per sentence for --text, one line per input line for --file.")
final class PhonemizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    TextInput input;

    @Option(names = "--phonemizer", defaultValue = "auto", paramLabel = "NAME",
            description = "espeak (espeak-ng, loaded at run time), java (pure Java, English) or auto: espeak-ng when "
                    + "installed (default: ${DEFAULT-VALUE})")
    String phonemizer;

    @Option(names = "--voice", paramLabel = "VOICE", description = "espeak voice (default: the model's, else en-us)")
    String voice;

    @Option(names = "--no-normalize", description = "hand the raw text to the phonemizer (espeak-ng then expands numbers itself)")
    boolean noNormalize;

    @Option(names = "--lexicon", paramLabel = "FILE", description = "user lexicon: lines of 'word<TAB>ipa'")
    Path lexicon;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "a phoneme-based voice, for its espeak voice and (with --ids)"
            + " its phoneme ids")
    Path model;

    @Option(names = "--ids", description = "print the model's phoneme ids instead of phonemes (needs -m)")
    boolean ids;

    @Override
    public Integer call() throws Exception {
        if (ids && model == null) {
            throw new SottoCli.UserError("--ids needs a voice: pass -m MODEL");
        }
        try (Voice m = model != null ? Voices.open(model, null) : null) {
            if (m != null && ids) {
                m.phonemeIds(""); // refuses voices that read text themselves, before any output
            }
            String v = voice != null ? voice : m != null ? m.language() : "en-us";
            TextFrontEnd p = new TextFrontEnd(new SentenceSplitter(), noNormalize ? null : new EnglishNormalizer(),
                    Phonemizers.create(phonemizer, v), lexicon == null ? Lexicon.empty() : Lexicon.read(lexicon));
            Voice idVoice = ids ? m : null;
            PrintWriter out = spec.commandLine().getOut();
            if (input.text != null) {
                for (String sentence : p.phonemes(input.text)) {
                    out.println(render(sentence, idVoice));
                }
            } else {
                for (String line : input.inputs()) {
                    out.println(p.phonemes(line).stream().map(s -> render(s, idVoice)).collect(Collectors.joining(" ")));
                }
            }
        }
        return 0;
    }

    private static String render(String phonemes, Voice voice) {
        if (voice == null) {
            return phonemes;
        }
        return Arrays.stream(voice.phonemeIds(phonemes)).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
