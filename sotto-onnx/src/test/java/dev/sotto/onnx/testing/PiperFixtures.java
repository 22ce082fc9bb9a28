package dev.sotto.onnx.testing;

import dev.sotto.onnx.PiperImporter;
import dev.sotto.tensor.GgmlType;
import dev.sotto.testing.FixtureFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Piper fixtures for the tests of every module (published as sotto-onnx's test jar): the tiny voices are bundled
 * with the project, the larger ones come from the shared folder ({@link FixtureFiles}); a test needing one that is
 * absent is skipped with a reason.
 */
public final class PiperFixtures {
    private PiperFixtures() {
    }

    /** Voice {@code NAME.onnx} with its {@code NAME.onnx.json} beside it. */
    public static Path onnx(String name) {
        Path onnx = FixtureFiles.file("piper", name + ".onnx");
        FixtureFiles.file("piper", name + ".onnx.json");
        return onnx;
    }

    /** A reference output or the case list, {@code expected/NAME}. */
    public static Path expected(String name) {
        return FixtureFiles.file("piper", "expected/" + name);
    }

    /** Whether reference output {@code expected/NAME} is at hand (bundled or shared). */
    public static boolean hasExpected(String name) {
        return FixtureFiles.available("piper", "expected/" + name);
    }

    /** Fixture {@code NAME.onnx} converted to a GGUF voice at {@code out} (unless it is there already); returns {@code out}. */
    public static Path gguf(String name, GgmlType type, Path out) throws IOException {
        if (!Files.exists(out)) {
            Path onnx = onnx(name);
            PiperImporter.convert(onnx, PiperImporter.defaultConfigPath(onnx), out, type);
        }
        return out;
    }
}
