package dev.sotto.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decoding an utterance in frame ranges (as streaming does) gives the same samples as decoding it whole: every
 * range is computed with the flow's and the decoder's full reach of context, so only float rounding differs.
 */
class ChunkedDecodeTest {

    @ParameterizedTest(name = "{0} first={1} then={2}")
    @CsvSource({
            "tiny-r2.onnx, 1, 7",
            "tiny-r1-3spk.onnx, 16, 64",
            "piper-xlow.onnx, 24, 100",
            "piper-medium.onnx, 32, 256",
    })
    void chunkedEqualsWhole(String model, int first, int then) throws Exception {
        VitsModel m = ConvertedVoices.model(model, GgmlType.F32);
        Fixtures.Case longCase = Fixtures.cases().stream()
                .filter(c -> c.model().equals(model) && c.expectedFile().contains(".long.")).findFirst().orElseThrow();
        VitsParams p = VitsParams.deterministic(1f, longCase.speaker() == null ? 0 : longCase.speaker());
        float[] whole = m.synthesize(longCase.ids(), p, Kernels.shared()).audio();
        VitsModel.Prepared u = m.prepare(longCase.ids(), p, Kernels.shared(), null);
        float[] chunked = new float[whole.length];
        int at = 0;
        int pieces = 0;
        for (int from = 0; from < u.frameCount(); ) {
            int to = Math.min(u.frameCount(), from + (pieces == 0 ? first : then));
            float[] part = m.decode(u, from, to, Kernels.shared());
            System.arraycopy(part, 0, chunked, at, part.length);
            at += part.length;
            from = to;
            pieces++;
        }
        assertEquals(whole.length, at);
        double snr = Fixtures.snrDb(whole, chunked);
        System.out.printf("[chunked] %-18s %d pieces (first %d frames, then %d; context flow %d + decoder %d): SNR %.1f dB%n",
                model, pieces, first, then, m.flowContextFrames(), m.decoderContextFrames(), snr);
        assertTrue(snr >= 50, "chunked decoding SNR " + snr + " dB");

        // The streaming path (flow in cached blocks, growing ranges) gives the same samples too.
        VitsModel.Stream stream = m.stream(u, Kernels.shared());
        float[] streamed = new float[whole.length];
        int pos = 0;
        while (stream.hasNext()) {
            float[] part = stream.next();
            System.arraycopy(part, 0, streamed, pos, part.length);
            pos += part.length;
        }
        assertEquals(whole.length, pos);
        double streamSnr = Fixtures.snrDb(whole, streamed);
        System.out.printf("[chunked] %-18s streamed: SNR %.1f dB%n", model, streamSnr);
        assertTrue(streamSnr >= 50, "streamed SNR " + streamSnr + " dB");
    }
}
