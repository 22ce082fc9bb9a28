package dev.sotto.onnx;

import dev.sotto.gguf.GgufFile;
import dev.sotto.model.ModelConverter;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Loads a Piper voice given as {@code VOICE.onnx} (with {@code VOICE.onnx.json} beside it) by converting it to a
 * GGUF file in full precision when it is loaded. Registered for {@link java.util.ServiceLoader}, so that
 * {@code Voice.load} takes {@code .onnx} files wherever this module is on the class path (the CLI, the catalog).
 */
public final class PiperOnnxConverter implements ModelConverter {
    @Override
    public boolean accepts(Path path) {
        return path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public String format() {
        return "Piper ONNX voice (.onnx + .onnx.json)";
    }

    /** Converts to a temporary file, maps it and deletes it at once: the mapping outlives the name. */
    @Override
    public GgufFile convert(Path onnx) throws IOException {
        Path json = PiperImporter.defaultConfigPath(onnx);
        if (!Files.exists(json)) {
            throw new NoSuchFileException(json.toString(), null, "the Piper config is missing (convert with sotto convert --config)");
        }
        Path tmp = Files.createTempFile("sotto-", ".gguf");
        try {
            PiperImporter.convert(onnx, json, tmp, GgmlType.F32);
            return GgufFile.open(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
