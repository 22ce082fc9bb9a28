package dev.sotto.cli;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufTensorInfo;
import dev.sotto.gguf.GgufValue;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints what a GGUF file holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a GGUF file's metadata and tensors.")
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "GGUF file, or an installed voice's name")
    Path file;

    @Option(names = "--tensors", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "List tensors (default: yes; --no-tensors to hide).")
    boolean tensors;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        file = Voices.resolve(file); // a path, or an installed voice's name
        try (GgufFile g = GgufFile.open(file)) {
            out.printf("%s: GGUF v%d, %d metadata keys, %d tensors, alignment %d, data at %d%n",
                    file.getFileName(), g.version(), g.metadata().size(), g.tensors().size(), g.alignment(), g.dataOffset());
            for (Map.Entry<String, GgufValue> e : g.metadata().entrySet()) {
                out.printf("  %-40s %-8s %s%n", e.getKey(), e.getValue().type(), e.getValue());
            }
            if (tensors) {
                Map<String, long[]> byType = new TreeMap<>();
                for (GgufTensorInfo t : g.tensors()) {
                    out.printf("  %-56s %-5s %-20s %,d bytes%n", t.name(), t.type(), t.shapeString(), t.byteSize());
                    long[] acc = byType.computeIfAbsent(t.type().name(), k -> new long[3]);
                    acc[0]++;
                    acc[1] += t.elementCount();
                    acc[2] += t.byteSize();
                }
                byType.forEach((type, acc) -> out.printf("  total %-5s %d tensors, %,d weights, %,d bytes%n", type, acc[0], acc[1], acc[2]));
            }
        }
        return 0;
    }
}
