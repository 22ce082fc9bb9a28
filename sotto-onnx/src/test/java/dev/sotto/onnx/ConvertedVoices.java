package dev.sotto.onnx;

import dev.sotto.gguf.GgufFile;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Fixture voices converted once per test JVM and shared by the test classes. */
final class ConvertedVoices {
    private static final Map<String, VitsModel> MODELS = new HashMap<>();
    private static final Map<String, Path> FILES = new HashMap<>();
    private static Path dir;

    private ConvertedVoices() {
    }

    /** The GGUF file of fixture {@code onnxName} with large matrices in {@code type}. */
    static synchronized Path file(String onnxName, GgmlType type) {
        String key = onnxName + "/" + type;
        Path p = FILES.get(key);
        if (p == null) {
            try {
                if (dir == null) {
                    dir = Files.createTempDirectory("sotto-voices");
                    dir.toFile().deleteOnExit();
                }
                Path onnx = Fixtures.onnx(onnxName);
                p = dir.resolve(onnxName.replace(".onnx", "") + "-" + type.cliName() + ".gguf");
                PiperImporter.convert(onnx, PiperImporter.defaultConfigPath(onnx), p, type);
                p.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            FILES.put(key, p);
        }
        return p;
    }

    static synchronized VitsModel model(String onnxName, GgmlType type) {
        String key = onnxName + "/" + type;
        VitsModel m = MODELS.get(key);
        if (m == null) {
            try {
                m = VitsModel.load(GgufFile.open(file(onnxName, type)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            MODELS.put(key, m);
        }
        return m;
    }
}
