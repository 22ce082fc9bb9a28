package dev.sotto.cli;

import dev.sotto.text.EnglishNormalizer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints text as the normalizer rewrites it. */
@Command(name = "normalize", mixinStandardHelpOptions = true,
        description = "Print text with numbers, dates, currency, units, abbreviations and symbols written out (English).")
final class NormalizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    TextInput input;

    @Override
    public Integer call() throws Exception {
        EnglishNormalizer normalizer = new EnglishNormalizer();
        PrintWriter out = spec.commandLine().getOut();
        for (String line : input.inputs()) {
            out.println(normalizer.normalize(line).replace('\n', ' '));
        }
        return 0;
    }
}
