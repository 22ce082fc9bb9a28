package dev.sotto.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.gguf.GgufFile;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden tests: every stored ONNX Runtime case, reproduced from an F32 import, to at least 60 dB SNR. */
class PiperParityTest {
    @TempDir
    static Path dir;

    private static final Map<String, VitsModel> MODELS = new HashMap<>();

    static List<Fixtures.Case> cases() throws IOException {
        return Fixtures.cases();
    }

    static synchronized VitsModel model(String onnxName) throws IOException {
        VitsModel m = MODELS.get(onnxName);
        if (m == null) {
            Path onnx = Fixtures.onnx(onnxName);
            Path gguf = dir.resolve(onnxName.replace(".onnx", ".gguf"));
            PiperImporter.convert(onnx, PiperImporter.defaultConfigPath(onnx), gguf, GgmlType.F32);
            m = VitsModel.load(GgufFile.open(gguf));
            MODELS.put(onnxName, m);
        }
        return m;
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(VitsModel::close);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOnnxRuntime(Fixtures.Case c) throws IOException {
        VitsModel m = model(c.model());
        float[] expected = c.expected();
        assertEquals(c.samples(), expected.length);
        VitsModel.Result r = m.synthesize(c.ids(), new VitsParams(c.noiseScale(), c.lengthScale(), c.noiseW(),
                c.speaker() == null ? 0 : c.speaker(), 1L), Kernels.shared());
        assertEquals(c.samples(), r.audio().length, "sample count");
        double snr = Fixtures.snrDb(expected, r.audio());
        System.out.printf("[parity] %-16s %-22s %7d samples  SNR %.1f dB%n", c.model(), c.expectedFile(), r.audio().length, snr);
        assertTrue(snr >= 60, c + ": SNR " + snr + " dB < 60 dB");
    }
}
