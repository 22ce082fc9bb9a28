package dev.sotto.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Times ONNX Runtime (CPU, Java API) on a Piper voice the way {@code sotto bench} times sotto: warm-up runs, then
 * measured runs in-process, noise off. Prints one JSON object with the same field names.
 *
 * <p>Usage: {@code OrtBench VOICE.onnx THREADS RUNS WARMUP LENGTH_SCALE [IDS]} (IDS comma-separated; default: the
 * same fixed utterance as {@code sotto bench}).
 */
public final class OrtBench {
    private OrtBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: OrtBench VOICE.onnx THREADS RUNS WARMUP LENGTH_SCALE [IDS]");
            System.exit(2);
        }
        int threads = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        float lengthScale = Float.parseFloat(args[4]);
        long[] ids = args.length > 5 ? Arrays.stream(args[5].split(",")).mapToLong(Long::parseLong).toArray() : defaultIds();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        try (OrtSession session = env.createSession(args[0], options)) {
            Map<String, OnnxTensor> in = new HashMap<>();
            in.put("input", OnnxTensor.createTensor(env, new long[][] {ids}));
            in.put("input_lengths", OnnxTensor.createTensor(env, new long[] {ids.length}));
            in.put("scales", OnnxTensor.createTensor(env, new float[] {0f, lengthScale, 0f}));
            if (session.getInputNames().contains("sid")) {
                in.put("sid", OnnxTensor.createTensor(env, new long[] {0}));
            }
            int samples = 0;
            for (int i = 0; i < warmup; i++) {
                try (OrtSession.Result r = session.run(in)) {
                    samples = ((float[][][][]) r.get(0).getValue())[0][0][0].length;
                }
            }
            long[] times = new long[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                try (OrtSession.Result r = session.run(in)) {
                    samples = ((float[][][][]) r.get(0).getValue())[0][0][0].length;
                }
                times[i] = System.nanoTime() - t0;
            }
            Arrays.sort(times);
            double best = times[0] / 1e6;
            double median = (times[(runs - 1) / 2] + times[runs / 2]) / 2e6;
            int rate = sampleRate(args[0]);
            double audio = samples / (double) rate;
            System.out.printf(Locale.ROOT, "{\"runtime\":\"onnxruntime\",\"ids\":%d,\"audio_seconds\":%.4f,\"synth_ms_best\":%.2f,"
                            + "\"synth_ms_median\":%.2f,\"rtf\":%.5f,\"threads\":%d}%n",
                    ids.length, audio, best, median, best / 1000 / audio, threads);
        }
    }

    /** The sample rate from the voice's .onnx.json (a plain text search; 22050 if absent). */
    private static int sampleRate(String onnx) throws java.io.IOException {
        java.nio.file.Path json = java.nio.file.Path.of(onnx + ".json");
        if (!java.nio.file.Files.exists(json)) {
            return 22050;
        }
        var m = java.util.regex.Pattern.compile("\"sample_rate\"\\s*:\\s*(\\d+)").matcher(java.nio.file.Files.readString(json));
        return m.find() ? Integer.parseInt(m.group(1)) : 22050;
    }

    /** The same fixed 121-id utterance as {@code sotto bench}'s default. */
    static long[] defaultIds() {
        long[] ids = new long[121];
        ids[0] = 1;
        for (int i = 1; i < 120; i++) {
            ids[i] = i % 2 == 1 ? 0 : 3 + (i * 7) % 60;
        }
        ids[120] = 2;
        return ids;
    }
}
