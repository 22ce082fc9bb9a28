package dev.sotto.cli;

import dev.sotto.onnx.PiperImporter;
import dev.sotto.tensor.GgmlType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Imports a Piper voice into one GGUF file. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a Piper voice (.onnx + .onnx.json) into one self-contained GGUF file.")
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "VOICE.onnx", description = "the Piper voice graph")
    Path onnx;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "VOICE.gguf", description = "output file (written atomically)")
    Path output;

    @Option(names = "--config", paramLabel = "JSON", description = "the voice's config (default: VOICE.onnx.json beside it)")
    Path config;

    @Option(names = "--type", defaultValue = "f32", paramLabel = "TYPE",
            description = "weight type of the large matrices: f32, f16, q8_0 or q4_0 (default: ${DEFAULT-VALUE})")
    String type;

    @Override
    public Integer call() throws Exception {
        GgmlType t = Voices.weightType(type);
        if (!Files.exists(onnx)) {
            throw new SottoCli.UserError("no such file: " + onnx);
        }
        Path json = config != null ? config : PiperImporter.defaultConfigPath(onnx);
        if (!Files.exists(json)) {
            throw new SottoCli.UserError("the Piper config " + json + " is missing (pass it with --config)");
        }
        PiperImporter.Report r = PiperImporter.convert(onnx, json, output, t);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: %d tensors (%s), %,d bytes (%.0f%% of the .onnx)%n", output.getFileName(), r.tensors(),
                r.tensorsByType(), Files.size(output), 100.0 * Files.size(output) / Files.size(onnx));
        out.println("  " + r.config());
        return 0;
    }
}
