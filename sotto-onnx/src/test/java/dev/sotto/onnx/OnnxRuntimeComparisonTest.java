package dev.sotto.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our F32 voices against ONNX Runtime run live on the same graphs, with inputs, speakers and length scales that
 * the stored cases do not cover (noise off, so both are deterministic).
 */
class OnnxRuntimeComparisonTest {

    /** A random utterance in Piper's layout ^ _ p _ p ... _ $ over the voice's symbols 3..vocab-1. */
    static int[] randomIds(Random rnd, int phonemes, int vocab) {
        int[] ids = new int[2 * phonemes + 3];
        ids[0] = 1;
        ids[1] = 0;
        for (int i = 0; i < phonemes; i++) {
            ids[2 + 2 * i] = 3 + rnd.nextInt(Math.min(vocab, 160) - 3);
            ids[3 + 2 * i] = 0;
        }
        ids[ids.length - 1] = 2;
        return ids;
    }

    @ParameterizedTest(name = "{0} speaker={1} length_scale={2} phonemes={3}")
    @CsvSource({
            "tiny-r1-3spk.onnx, 0, 1.0, 7",
            "tiny-r1-3spk.onnx, 1, 0.7, 40",
            "tiny-r1-3spk.onnx, 2, 1.6, 90",
            "tiny-r2.onnx, 0, 0.5, 1",
            "tiny-r2.onnx, 0, 1.3, 150",
            "piper-xlow.onnx, 0, 0.8, 60",
            "piper-medium.onnx, 0, 1.25, 30",
    })
    void matchesOnnxRuntimeOnOtherInputs(String model, int speaker, float lengthScale, int phonemes) throws Exception {
        VitsModel m = ConvertedVoices.model(model, GgmlType.F32);
        int[] ids = randomIds(new Random(model.hashCode() * 31L + phonemes), phonemes, m.config().vocabSize());
        float[] expected;
        try (OnnxRuntimeReference ort = new OnnxRuntimeReference(Fixtures.onnx(model), 2)) {
            expected = ort.synthesize(ids, 0f, lengthScale, 0f, speaker);
        }
        float[] actual = m.synthesize(ids, VitsParams.deterministic(lengthScale, speaker), Kernels.shared()).audio();
        assertEquals(expected.length, actual.length, "sample count");
        double snr = Fixtures.snrDb(expected, actual);
        System.out.printf("[ort] %-18s speaker %d length_scale %.2f ids %3d: %7d samples, SNR %.1f dB%n",
                model, speaker, lengthScale, ids.length, actual.length, snr);
        assertTrue(snr >= 60, "SNR " + snr + " dB");
    }
}
