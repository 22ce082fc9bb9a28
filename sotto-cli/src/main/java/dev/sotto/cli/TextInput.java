package dev.sotto.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The --text or --file input of the text commands: --text is one input, --file is one input per line. */
final class TextInput {
    @Option(names = "--text", paramLabel = "TEXT", description = "the text")
    String text;

    @Option(names = "--file", paramLabel = "FILE", description = "UTF-8 text file, handled line by line (one output line each)")
    Path file;

    /** The inputs: the --text, or each line of the --file. */
    List<String> inputs() throws IOException {
        return text != null ? List.of(text) : Files.readAllLines(file, StandardCharsets.UTF_8);
    }
}
