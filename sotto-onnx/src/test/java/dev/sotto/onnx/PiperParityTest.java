package dev.sotto.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden tests: every stored ONNX Runtime case, reproduced from an F32 import, to at least 60 dB SNR. */
class PiperParityTest {
    static List<Fixtures.Case> cases() throws IOException {
        return Fixtures.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesOnnxRuntime(Fixtures.Case c) throws IOException {
        VitsModel m = ConvertedVoices.model(c.model(), GgmlType.F32);
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
