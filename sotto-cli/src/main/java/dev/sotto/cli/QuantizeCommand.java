package dev.sotto.cli;

import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufTensorInfo;
import dev.sotto.gguf.GgufValue;
import dev.sotto.gguf.GgufWriter;
import dev.sotto.tensor.GgmlType;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Re-encodes the matrices of a GGUF file. Tensors of at least two dimensions whose rows are a whole number of
 * blocks and hold at least {@code --min-elements} weights are converted; all others are copied unchanged.
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Re-encode a GGUF file's weight matrices as f32, f16, q8_0 or q4_0.")
final class QuantizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "IN", description = "input GGUF file, or an installed voice's name")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "output GGUF file (written atomically)")
    Path output;

    @Option(names = "--type", required = true, paramLabel = "TYPE", description = "f32, f16, q8_0 or q4_0")
    String type;

    @Option(names = "--min-elements", defaultValue = "4096", paramLabel = "N",
            description = "leave tensors with fewer weights unchanged (default: ${DEFAULT-VALUE})")
    long minElements;

    @Override
    public Integer call() throws Exception {
        GgmlType target = Voices.weightType(type);
        input = Voices.resolve(input);
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new SottoCli.UserError("output must differ from the input");
        }
        PrintWriter out = spec.commandLine().getOut();
        int converted = 0;
        try (GgufFile in = GgufFile.open(input); Arena arena = Arena.ofConfined()) {
            GgufWriter w = new GgufWriter().alignment(in.alignment());
            for (Map.Entry<String, GgufValue> e : in.metadata().entrySet()) {
                w.put(e.getKey(), e.getValue());
            }
            for (GgufTensorInfo t : in.tensors()) {
                boolean convertible = t.type().hasKernels() && t.type() != target && t.rank() >= 2
                        && t.dim(0) % target.blockSize() == 0 && t.elementCount() >= minElements
                        && t.elementCount() <= Integer.MAX_VALUE - 8;
                if (!convertible) {
                    w.addTensor(t.name(), t.dims(), t.type(), in.data(t));
                    continue;
                }
                int n = (int) t.elementCount();
                float[] values = new float[n];
                t.type().format().dequantize(in.data(t), 0, values, 0, n);
                MemorySegment encoded = arena.allocate(target.bytesFor(n), 64);
                target.format().quantize(values, 0, n, encoded, 0);
                w.addTensor(t.name(), t.dims(), target, encoded);
                converted++;
            }
            w.write(output);
        }
        out.printf("%s: %d tensors converted to %s, %,d -> %,d bytes%n", output.getFileName(), converted, target.cliName(),
                Files.size(input), Files.size(output));
        return 0;
    }
}
