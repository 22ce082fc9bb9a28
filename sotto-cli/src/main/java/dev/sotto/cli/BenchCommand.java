package dev.sotto.cli;

import dev.sotto.kernel.ComputePool;
import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.Simd;
import dev.sotto.vits.VitsModel;
import dev.sotto.vits.VitsParams;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Times synthesis in-process after warm-up and prints the figures (one JSON object on the last line with --json). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure synthesis speed of a voice: real-time factor, latency, memory.")
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Voices.ModelOptions voice;

    @Option(names = "--text", paramLabel = "TEXT", description = "text to speak (needs the text front end)")
    String text;

    @Option(names = "--phoneme-ids", paramLabel = "IDS", description = "phoneme ids (default: a fixed 121-id utterance)")
    String ids;

    @Option(names = "--runs", defaultValue = "5", description = "measured runs (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "3", description = "warm-up runs (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;

    @Option(names = "--length-scale", defaultValue = "1", description = "duration scale (default: ${DEFAULT-VALUE})")
    float lengthScale;

    @Option(names = "--json", description = "print the result as one JSON object on the last line")
    boolean json;

    @Option(names = "--low-power", description = "measure low-power mode")
    boolean lowPower;

    @Override
    public Integer call() throws Exception {
        if (text != null && ids != null) {
            throw new SottoCli.UserError("choose one of --text and --phoneme-ids");
        }
        if (runs < 1 || runs > 10_000 || warmup < 0 || warmup > 10_000) {
            throw new SottoCli.UserError("--runs must be 1..10000 and --warmup 0..10000");
        }
        int n = threads != null ? threads : ComputePool.defaultThreads();
        if (n < 1 || n > 1024) {
            throw new SottoCli.UserError("--threads must be between 1 and 1024");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (ComputePool pool = new ComputePool(n); VitsModel m = voice.open()) {
            Kernels k = new Kernels(pool);
            int[] input = ids != null ? Voices.parseIds(ids) : text != null ? textIds(m, text) : defaultIds(m.config().vocabSize());
            VitsParams p = VitsParams.deterministic(lengthScale, 0).withLowPower(lowPower);
            for (int i = 0; i < warmup; i++) {
                m.synthesize(input, p, k);
            }
            System.gc();
            resetPeaks();
            long[] times = new long[runs];
            VitsModel.Result last = null;
            long[] phases = new long[4];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                last = m.synthesize(input, p, k);
                times[i] = System.nanoTime() - t0;
                VitsModel.Timings t = last.timings();
                phases[0] += t.encoderNanos();
                phases[1] += t.durationNanos();
                phases[2] += t.flowNanos();
                phases[3] += t.decoderNanos();
            }
            long peakHeap = peakHeapBytes();
            // Streaming: the first playable chunk is ready after the encoder, the duration predictor and the first
            // frame range; the rest of the utterance follows range by range. Its heap peak is measured on its own.
            System.gc();
            resetPeaks();
            long[] first = new long[runs];
            long[] streamed = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                VitsModel.Stream stream = m.stream(m.prepare(input, p, k, null), k);
                stream.next();
                first[i] = System.nanoTime() - t0;
                while (stream.hasNext()) {
                    stream.next();
                }
                streamed[i] = System.nanoTime() - t0;
            }
            Arrays.sort(first);
            Arrays.sort(streamed);
            long streamPeakHeap = peakHeapBytes();
            long[] sorted = times.clone();
            Arrays.sort(sorted);
            double best = sorted[0] / 1e6;
            double median = (sorted[(runs - 1) / 2] + sorted[runs / 2]) / 2e6;
            double audioSeconds = last.audio().length / (double) m.config().sampleRate();
            long modelBytes = Files.isRegularFile(voice.model) ? Files.size(voice.model) : 0;
            double firstAudio = first[0] / 1e6;
            double streamBest = streamed[0] / 1e6;
            String result = String.format(Locale.ROOT,
                    "{\"model\":\"%s\",\"ids\":%d,\"audio_seconds\":%.4f,\"synth_ms_best\":%.2f,\"synth_ms_median\":%.2f,"
                            + "\"rtf\":%.5f,\"first_audio_ms\":%.2f,\"stream_ms_best\":%.2f,\"stream_rtf\":%.5f,"
                            + "\"peak_heap_mb\":%.1f,\"stream_peak_heap_mb\":%.1f,\"model_bytes\":%d,\"threads\":%d,"
                            + "\"kernels\":\"%s\",\"encoder_ms\":%.2f,\"duration_ms\":%.2f,\"flow_ms\":%.2f,\"decoder_ms\":%.2f}",
                    voice.model.getFileName().toString().replace("\"", ""), input.length, audioSeconds, best, median,
                    best / 1000.0 / audioSeconds, firstAudio, streamBest, streamBest / 1000.0 / audioSeconds, peakHeap / 1048576.0, streamPeakHeap / 1048576.0,
                    modelBytes, n,
                    Simd.ENABLED ? Simd.FLOAT_LANES * 32 + "-bit" : "scalar",
                    phases[0] / 1e6 / runs, phases[1] / 1e6 / runs, phases[2] / 1e6 / runs, phases[3] / 1e6 / runs);
            if (!json) {
                out.printf(Locale.ROOT, "%s: %.2f s of audio from %d ids; best %.1f ms, median %.1f ms, RTF %.4f, %d threads%n",
                        voice.model.getFileName(), audioSeconds, input.length, best, median, best / 1000.0 / audioSeconds, n);
                out.printf(Locale.ROOT, "  streaming: first audio after %.1f ms, whole utterance %.1f ms (RTF %.4f)%n",
                        firstAudio, streamBest, streamBest / 1000.0 / audioSeconds);
                out.printf(Locale.ROOT, "  encoder %.1f ms, duration predictor %.1f ms, flow %.1f ms, decoder %.1f ms (mean)%n",
                        phases[0] / 1e6 / runs, phases[1] / 1e6 / runs, phases[2] / 1e6 / runs, phases[3] / 1e6 / runs);
            }
            out.println(result);
        }
        return 0;
    }

    /** A fixed utterance of 121 ids in Piper's layout: ^ _ p _ p ... _ $ over ids 3..62 of the voice. */
    static int[] defaultIds(int vocab) {
        int[] ids = new int[121];
        ids[0] = 1;
        for (int i = 1; i < 120; i++) {
            ids[i] = i % 2 == 1 ? 0 : 3 + (i * 7) % Math.max(1, Math.min(60, vocab - 3));
        }
        ids[120] = 2;
        return ids;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    /** Sum of the heap pools' peak usage since the reset (an upper bound of the peak heap). */
    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The text, phonemized (espeak-ng when installed, else Java) and spoken as one utterance. */
    private static int[] textIds(VitsModel m, String text) throws dev.sotto.gguf.GgufFormatException {
        dev.sotto.text.PhonemeIdMap map = dev.sotto.api.PiperVoices.phonemeIdMap(m.file());
        if (map == null) {
            throw new SottoCli.UserError("this voice has no phoneme id map; pass --phoneme-ids instead");
        }
        dev.sotto.text.TextFrontEnd front = new dev.sotto.text.TextFrontEnd(new dev.sotto.text.SentenceSplitter(),
                new dev.sotto.text.EnglishNormalizer(), dev.sotto.text.Phonemizers.create("auto", dev.sotto.api.PiperVoices.espeakVoice(m.file())));
        String phonemes = String.join(" ", front.phonemes(text));
        if (phonemes.isBlank()) {
            throw new SottoCli.UserError("nothing to say in --text");
        }
        return map.sentence(phonemes).ids();
    }
}
