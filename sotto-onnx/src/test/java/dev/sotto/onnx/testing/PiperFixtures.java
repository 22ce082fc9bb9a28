package dev.sotto.onnx.testing;

import dev.sotto.onnx.PiperImporter;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Piper fixtures of the project's shared folder ({@code ../shared/fixtures/piper}, or {@code -Dsotto.fixtures=DIR}),
 * for the tests of every module (published as sotto-onnx's test jar).
 */
public final class PiperFixtures {
    private PiperFixtures() {
    }

    /** The fixture directory. */
    public static Path dir() {
        String override = System.getProperty("sotto.fixtures");
        if (override != null) {
            return Path.of(override);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("fixtures").resolve("piper");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("Piper fixtures not found: expected ../shared/fixtures/piper beside the project (or -Dsotto.fixtures=DIR)");
    }

    /** Fixture {@code NAME.onnx} converted to a GGUF voice at {@code out} (unless it is there already); returns {@code out}. */
    public static Path gguf(String name, GgmlType type, Path out) throws IOException {
        if (!Files.exists(out)) {
            Path onnx = dir().resolve(name + ".onnx");
            PiperImporter.convert(onnx, PiperImporter.defaultConfigPath(onnx), out, type);
        }
        return out;
    }
}
