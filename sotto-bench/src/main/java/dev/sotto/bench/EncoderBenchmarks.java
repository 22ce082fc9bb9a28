package dev.sotto.bench;

import dev.sotto.codec.AudioEncoder;
import dev.sotto.codec.OutputFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The output encoders as the server runs them: ten seconds of speech-like audio fed in half-second chunks (a
 * synthesis chunk is about that), one thread, output discarded. Scores are milliseconds per ten seconds of audio:
 * the real-time factor is {@code score / 10000} (0.01 = 1% of a core for speech in real time).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class EncoderBenchmarks {
    static final int SECONDS = 10;

    @Param({"wav", "pcm", "flac", "mp3", "opus"})
    public String format;

    @Param({"22050", "24000"})
    public int rate;

    private float[] audio;
    private OutputFormat outputFormat;

    @Setup
    public void setUp() {
        outputFormat = OutputFormat.byName(format);
        Random rnd = new Random(1);
        audio = new float[rate * SECONDS];
        double phase = 0;
        for (int i = 0; i < audio.length; i++) {
            double t = i / (double) rate;
            double segment = (t * 3) % 3; // voiced, fricative, silence, three times a second
            phase += 2 * Math.PI * (110 + 40 * Math.sin(2 * Math.PI * 0.7 * t)) / rate;
            double v = 0;
            if (segment < 1.6) {
                for (int h = 1; h <= 12; h++) {
                    v += Math.sin(h * phase) / h;
                }
                v *= 0.25;
            } else if (segment < 2.2) {
                v = 0.08 * rnd.nextGaussian();
            }
            audio[i] = (float) v;
        }
    }

    @Benchmark
    public int encodeTenSeconds() throws IOException {
        CountingSink sink = new CountingSink();
        AudioEncoder e = outputFormat.encoder(sink, rate);
        int chunk = rate / 2;
        for (int i = 0; i < audio.length; i += chunk) {
            e.write(audio, i, Math.min(audio.length, i + chunk));
        }
        e.finish();
        return sink.bytes;
    }

    private static final class CountingSink extends OutputStream {
        int bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
