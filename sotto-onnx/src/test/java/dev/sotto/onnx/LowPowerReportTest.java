package dev.sotto.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import org.junit.jupiter.api.Test;

/**
 * What low-power mode costs in quality and saves in time, on the medium fixture's long case: the durations of the
 * full model are forced on both renderings so the audio can be compared sample by sample (SNR) and spectrally
 * (log-mel distance). Checks that the mode renders the same span and changes the audio; the quality figures and the
 * speed-up are printed as a report (speed is measured, never asserted, in unit tests: {@code sotto bench --low-power}).
 */
class LowPowerReportTest {

    @Test
    void lowPowerKeepsTheSpanAndChangesTheAudio() throws Exception {
        String model = "piper-medium.onnx";
        VitsModel m = ConvertedVoices.model(model, GgmlType.Q8_0);
        Fixtures.Case longCase = Fixtures.cases().stream()
                .filter(c -> c.model().equals(model) && c.expectedFile().contains(".long.")).findFirst().orElseThrow();
        VitsParams full = VitsParams.deterministic(1f, 0);
        VitsParams low = full.withLowPower(true);
        Kernels k = Kernels.shared();
        VitsModel.Result reference = m.synthesize(longCase.ids(), full, k);
        // warm both paths, then time the best of three
        m.synthesize(longCase.ids(), low, k, reference.frames());
        long fullBest = Long.MAX_VALUE;
        long lowBest = Long.MAX_VALUE;
        float[] lowAudio = null;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            m.synthesize(longCase.ids(), full, k, reference.frames());
            long t1 = System.nanoTime();
            lowAudio = m.synthesize(longCase.ids(), low, k, reference.frames()).audio();
            long t2 = System.nanoTime();
            fullBest = Math.min(fullBest, t1 - t0);
            lowBest = Math.min(lowBest, t2 - t1);
        }
        assertEquals(reference.audio().length, lowAudio.length);
        double snr = Fixtures.snrDb(reference.audio(), lowAudio);
        double mel = LogMel.distance(reference.audio(), lowAudio, m.config().sampleRate());
        double self = LogMel.distance(reference.audio(), reference.audio(), m.config().sampleRate());
        System.out.printf("[low-power] %s: full %.0f ms, low-power %.0f ms (%.2fx faster); SNR %.1f dB, log-mel distance %.3f"
                        + " (0 for identical audio)%n",
                model, fullBest / 1e6, lowBest / 1e6, (double) fullBest / lowBest, snr, mel);
        assertEquals(0.0, self, 1e-9);
        assertTrue(mel > 0, "low-power mode changes the audio");
    }
}
