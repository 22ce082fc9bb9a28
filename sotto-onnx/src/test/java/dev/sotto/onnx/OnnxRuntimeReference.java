package dev.sotto.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs a Piper graph in ONNX Runtime (CPU) for comparisons. */
final class OnnxRuntimeReference implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final boolean multiSpeaker;

    OnnxRuntimeReference(Path onnx, int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        session = env.createSession(onnx.toString(), options);
        multiSpeaker = session.getInputNames().contains("sid");
    }

    float[] synthesize(int[] ids, float noiseScale, float lengthScale, float noiseW, int speaker) throws OrtException {
        long[][] input = new long[1][ids.length];
        for (int i = 0; i < ids.length; i++) {
            input[0][i] = ids[i];
        }
        Map<String, ai.onnxruntime.OnnxTensor> in = new HashMap<>();
        try {
            in.put("input", ai.onnxruntime.OnnxTensor.createTensor(env, input));
            in.put("input_lengths", ai.onnxruntime.OnnxTensor.createTensor(env, new long[] {ids.length}));
            in.put("scales", ai.onnxruntime.OnnxTensor.createTensor(env, new float[] {noiseScale, lengthScale, noiseW}));
            if (multiSpeaker) {
                in.put("sid", ai.onnxruntime.OnnxTensor.createTensor(env, new long[] {speaker}));
            }
            try (OrtSession.Result r = session.run(in)) {
                float[][][][] out = (float[][][][]) r.get(0).getValue();
                return out[0][0][0];
            }
        } finally {
            in.values().forEach(ai.onnxruntime.OnnxTensor::close);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
