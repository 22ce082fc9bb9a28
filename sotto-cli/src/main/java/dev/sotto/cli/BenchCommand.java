package dev.sotto.cli;

import dev.sotto.api.AudioChunk;
import dev.sotto.api.SpeechStream;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Voice;
import dev.sotto.kernel.ComputePool;
import dev.sotto.kernel.Kernels;
import dev.sotto.model.TextInput;
import dev.sotto.tensor.Simd;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Times synthesis in-process after warm-up and prints the figures (one JSON object on the last line with --json):
 * whole utterances (as few chunks as the model can), then streaming (first audio, and the whole stream), and the
 * time in each phase of the model's pipeline.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure synthesis speed of a voice: real-time factor, latency, memory, time per phase.")
final class BenchCommand implements Callable<Integer> {
    /** What text models speak when no --text is given: three sentences of ordinary prose. */
    static final String DEFAULT_TEXT = "The committee met on Tuesday to discuss the budget for next year. Nobody expected the weather to"
            + " turn so quickly, but it did. Please remember to water the plants while I am away.";

    @Spec
    CommandSpec spec;

    @Mixin
    Options.Model voice;

    @Mixin
    Options.ModelParameters parameters;

    @Option(names = "--text", paramLabel = "TEXT", description = "text to speak (default: a fixed 121-id utterance for Piper voices,"
            + " three sentences for text models)")
    String text;

    @Option(names = "--phoneme-ids", paramLabel = "IDS", description = "phoneme ids (Piper voices)")
    String ids;

    @Option(names = "--voice", paramLabel = "NAME|FILE", description = "a preset voice or voice file (Pocket TTS)")
    String presetVoice;

    @Option(names = "--runs", defaultValue = "5", description = "measured runs (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "3", description = "warm-up runs (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--threads", description = "compute threads (default: all cores)")
    Integer threads;

    @Option(names = "--variation", defaultValue = "0", description = "factor on the model's sampling noise; 0 (default) is"
            + " deterministic, 1 the voice's own")
    float variation;

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
        try (ComputePool pool = new ComputePool(n); Voice v = voice.open(new Kernels(pool))) {
            SynthesisOptions.Builder b = SynthesisOptions.builder().variation(variation).voice(presetVoice).lowPower(lowPower)
                    .sentenceSilence(0).normalize(false);
            parameters.values().forEach(b::parameter);
            SynthesisOptions whole = b.streaming(false).build();
            SynthesisOptions streaming = b.streaming(true).build();
            Function<SynthesisOptions, SpeechStream> speak = input(v);
            for (int i = 0; i < warmup; i++) {
                speak.apply(whole).readAll();
                speak.apply(streaming).readAll();
            }
            System.gc();
            resetPeaks();
            long[] times = new long[runs];
            Map<String, Long> phases = new LinkedHashMap<>();
            float[] audio = null;
            int tokens = 0;
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                try (SpeechStream s = speak.apply(whole)) {
                    audio = s.readAll();
                    times[i] = System.nanoTime() - t0;
                    s.phaseNanos().forEach((k, t) -> phases.merge(k, t, Long::sum));
                    tokens = s.tokenCount();
                }
            }
            long peakHeap = peakHeapBytes();
            // Streaming: the first playable chunk, then the rest of the utterance; its heap peak is measured on its own.
            System.gc();
            resetPeaks();
            long[] first = new long[runs];
            long[] streamed = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                try (SpeechStream s = speak.apply(streaming)) {
                    Iterator<AudioChunk> it = s.iterator();
                    it.next();
                    first[i] = System.nanoTime() - t0;
                    while (it.hasNext()) {
                        it.next();
                    }
                    streamed[i] = System.nanoTime() - t0;
                }
            }
            Arrays.sort(first);
            Arrays.sort(streamed);
            long streamPeakHeap = peakHeapBytes();
            long[] sorted = times.clone();
            Arrays.sort(sorted);
            double best = sorted[0] / 1e6;
            double median = (sorted[(runs - 1) / 2] + sorted[runs / 2]) / 2e6;
            double audioSeconds = audio.length / (double) v.sampleRate();
            long modelBytes = Files.isRegularFile(voice.model) ? Files.size(voice.model) : 0;
            double firstAudio = first[0] / 1e6;
            double streamBest = streamed[0] / 1e6;
            StringBuilder phaseJson = new StringBuilder();
            StringBuilder phaseText = new StringBuilder();
            for (Map.Entry<String, Long> e : phases.entrySet()) {
                double ms = e.getValue() / 1e6 / runs;
                phaseJson.append(String.format(Locale.ROOT, ",\"%s_ms\":%.2f", e.getKey(), ms));
                phaseText.append(phaseText.isEmpty() ? "  " : ", ").append(String.format(Locale.ROOT, "%s %.1f ms", e.getKey(), ms));
            }
            String result = String.format(Locale.ROOT,
                    "{\"model\":\"%s\",\"family\":\"%s\",\"ids\":%d,\"audio_seconds\":%.4f,\"synth_ms_best\":%.2f,\"synth_ms_median\":%.2f,"
                            + "\"rtf\":%.5f,\"first_audio_ms\":%.2f,\"stream_ms_best\":%.2f,\"stream_rtf\":%.5f,"
                            + "\"peak_heap_mb\":%.1f,\"stream_peak_heap_mb\":%.1f,\"model_bytes\":%d,\"threads\":%d,\"kernels\":\"%s\"%s}",
                    voice.model.getFileName().toString().replace("\"", ""), v.info().architecture(), tokens, audioSeconds, best, median,
                    best / 1000.0 / audioSeconds, firstAudio, streamBest, streamBest / 1000.0 / audioSeconds, peakHeap / 1048576.0,
                    streamPeakHeap / 1048576.0, modelBytes, n, Simd.ENABLED ? Simd.FLOAT_LANES * 32 + "-bit" : "scalar", phaseJson);
            if (!json) {
                out.printf(Locale.ROOT, "%s (%s): %.2f s of audio from %d tokens; best %.1f ms, median %.1f ms, RTF %.4f, %d threads%n",
                        voice.model.getFileName(), v.info().family(), audioSeconds, tokens, best, median, best / 1000.0 / audioSeconds, n);
                out.printf(Locale.ROOT, "  streaming: first audio after %.1f ms, whole utterance %.1f ms (RTF %.4f)%n",
                        firstAudio, streamBest, streamBest / 1000.0 / audioSeconds);
                out.println(phaseText + " (mean per run)");
            }
            out.println(result);
        }
        return 0;
    }

    /** What each run speaks: the ids or text given, or the default for the voice's kind. */
    private Function<SynthesisOptions, SpeechStream> input(Voice v) {
        if (ids != null) {
            int[] parsed = Voices.parseIds(ids);
            return o -> v.synthesizeIds(parsed, o);
        }
        if (text != null) {
            if (text.isBlank()) {
                throw new SottoCli.UserError("nothing to say in --text");
            }
            return o -> v.synthesize(text, o);
        }
        if (v.info().textInput() instanceof TextInput.Phonemes p) {
            int vocab = p.idMap().values().stream().flatMapToInt(Arrays::stream).max().orElse(63) + 1;
            int[] fixed = defaultIds(vocab);
            return o -> v.synthesizeIds(fixed, o);
        }
        return o -> v.synthesize(DEFAULT_TEXT, o);
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
}
