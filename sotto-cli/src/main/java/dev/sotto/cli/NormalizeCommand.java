package dev.sotto.cli;

import dev.sotto.text.EnglishNormalizer;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints text as the normalizer rewrites it. */
@Command(name = "normalize", mixinStandardHelpOptions = true,
        description = "Print text with numbers, dates, currency, units, abbreviations and symbols written out (English).")
final class NormalizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "text to normalize")
        String text;

        @Option(names = "--file", paramLabel = "FILE", description = "UTF-8 text file; one output line per input line")
        Path file;
    }

    @ArgGroup(multiplicity = "1")
    Input input;

    @Override
    public Integer call() throws Exception {
        EnglishNormalizer normalizer = new EnglishNormalizer();
        PrintWriter out = spec.commandLine().getOut();
        if (input.text != null) {
            out.println(normalizer.normalize(input.text));
        } else {
            for (String line : Files.readAllLines(input.file, StandardCharsets.UTF_8)) {
                out.println(normalizer.normalize(line).replace('\n', ' '));
            }
        }
        return 0;
    }
}
