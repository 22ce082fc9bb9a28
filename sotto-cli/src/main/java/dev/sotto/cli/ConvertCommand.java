package dev.sotto.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.onnx.PiperImporter;
import dev.sotto.pocket.convert.PocketConfigs;
import dev.sotto.pocket.convert.PocketImporter;
import dev.sotto.tensor.GgmlType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Imports a Piper voice or a Pocket TTS model into one GGUF file. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert a model into one self-contained GGUF file:",
            "  a Piper voice: VOICE.onnx (+ VOICE.onnx.json beside it, or --config)",
            "  a Pocket TTS model: model.safetensors --tokenizer tokenizer.model and --config CONFIG.yaml|json or --variant NAME"})
final class ConvertCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MODEL", description = "VOICE.onnx (Piper) or model.safetensors (Pocket TTS)")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.gguf", description = "output file (written atomically)")
    Path output;

    @Option(names = "--config", paramLabel = "FILE", description = "Piper: the voice's .onnx.json (default: beside it); Pocket TTS:"
            + " upstream's config YAML, or the same structure as JSON")
    Path config;

    @Option(names = "--variant", paramLabel = "NAME", description = "Pocket TTS: a published variant whose configuration ships with sotto"
            + " (english, english_2026-04, french_24l, german, ...)")
    String variant;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "Pocket TTS: the model's SentencePiece tokenizer.model")
    Path tokenizer;

    @Option(names = "--name", paramLabel = "NAME", description = "the model's name (default: the variant, else the output file's name)")
    String name;

    @Option(names = "--type", defaultValue = "f32", paramLabel = "TYPE",
            description = "weight type of the large matrices: f32, f16, q8_0 or q4_0 (default: ${DEFAULT-VALUE})")
    String type;

    @Override
    public Integer call() throws Exception {
        GgmlType t = Voices.weightType(type);
        if (!Files.exists(input)) {
            throw new SottoCli.UserError("no such file: " + input);
        }
        String file = input.getFileName().toString().toLowerCase(Locale.ROOT);
        if (file.endsWith(".safetensors")) {
            return pocket(t);
        }
        if (variant != null || tokenizer != null) {
            throw new SottoCli.UserError("--variant and --tokenizer are for Pocket TTS models (model.safetensors)");
        }
        Path json = config != null ? config : PiperImporter.defaultConfigPath(input);
        if (!Files.exists(json)) {
            throw new SottoCli.UserError("the Piper config " + json + " is missing (pass it with --config)");
        }
        PiperImporter.Report r = PiperImporter.convert(input, json, output, t);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: %d tensors (%s), %,d bytes (%.0f%% of the .onnx)%n", output.getFileName(), r.tensors(),
                r.tensorsByType(), Files.size(output), 100.0 * Files.size(output) / Files.size(input));
        out.println("  " + r.config());
        return 0;
    }

    private Integer pocket(GgmlType t) throws Exception {
        if ((config == null) == (variant == null)) {
            throw new SottoCli.UserError("a Pocket TTS model needs its configuration: --config CONFIG.yaml|json or --variant NAME (one of them)");
        }
        if (tokenizer == null) {
            throw new SottoCli.UserError("a Pocket TTS model needs its tokenizer: --tokenizer tokenizer.model");
        }
        JsonNode tree;
        String source;
        try {
            tree = variant != null ? PocketConfigs.variant(variant) : PocketConfigs.read(config);
            source = variant != null ? "variant " + variant : config.getFileName().toString();
        } catch (IllegalArgumentException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
        String language = variant != null ? PocketConfigs.language(variant) : "en";
        String modelName = name != null ? name : variant != null ? "pocket-" + variant : output.getFileName().toString().replaceFirst("\\.gguf$", "");
        PocketImporter.Report r = PocketImporter.convert(new PocketImporter.Source(input, tree, source, tokenizer, modelName, language,
                PocketConfigs.defaultVoice(language)), output, t);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s: %d tensors (%s), %,d bytes (%.0f%% of the .safetensors)%s%n", output.getFileName(), r.tensors(), r.tensorsByType(),
                Files.size(output), 100.0 * Files.size(output) / Files.size(input), r.hasEncoder() ? ", with the Mimi encoder (voices from"
                        + " recordings)" : ", no Mimi encoder (preset voices only)");
        out.printf("  Pocket TTS: %d layers of %d, flow %dx%d, Mimi %d Hz; preset voices go in %s/%n", r.config().flowLm().numLayers(),
                r.config().flowLm().dModel(), r.config().flowLm().flowDepth(), r.config().flowLm().flowDim(), r.config().mimi().sampleRate(),
                dev.sotto.pocket.PocketModel.companionDir(output).getFileName());
        return 0;
    }
}
