package dev.sotto.bench;

import dev.sotto.audio.PitchShifter;
import dev.sotto.audio.Resampler;
import dev.sotto.audio.Whisperer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The audio post-processing a request may add, single-threaded, on one second of 22.05 kHz audio per call. Scores
 * are input samples per second: divide by 22050 for "times real time".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AudioBenchmarks {
    static final int RATE = 22050;

    private float[] second;

    @Setup
    public void setUp() {
        Random rnd = new Random(1);
        second = new float[RATE];
        double phase = 0;
        for (int i = 0; i < RATE; i++) {
            phase += 2 * Math.PI * 140 / RATE;
            second[i] = (float) (0.3 * Math.sin(phase) + 0.1 * Math.sin(3 * phase) + 0.01 * rnd.nextGaussian());
        }
    }

    /** Resampling to OpenAI's 24 kHz pcm. */
    @Benchmark
    @OperationsPerInvocation(RATE)
    public float[] resampleTo24k() {
        return Resampler.resample(second, RATE, 24_000);
    }

    /** A +4 semitone pitch shift (WSOLA + resampling). */
    @Benchmark
    @OperationsPerInvocation(RATE)
    public float[] pitchShift() {
        PitchShifter p = new PitchShifter(4, RATE);
        float[] a = p.process(second, 0, second.length);
        float[] b = p.flush();
        return a.length > b.length ? a : b;
    }

    /** The whisper style's LPC re-synthesis. */
    @Benchmark
    @OperationsPerInvocation(RATE)
    public float[] whisper() {
        Whisperer w = new Whisperer(RATE, 1);
        float[] a = w.process(second, 0, second.length);
        float[] b = w.flush();
        return a.length > b.length ? a : b;
    }
}
