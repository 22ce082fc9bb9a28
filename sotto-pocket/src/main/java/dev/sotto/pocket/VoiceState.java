package dev.sotto.pocket;

import dev.sotto.safetensors.SafetensorsFile;
import dev.sotto.safetensors.SafetensorsFormatException;
import dev.sotto.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A voice: the attention cache FlowLM holds after reading a voice's conditioning, which every utterance in that voice
 * starts from. Stored as upstream's {@code export_model_state} writes it: per FlowLM layer i,
 * {@code transformer.layers.i.self_attn/cache} F32 [2, 1, T, heads, headDim] (keys, already rotated, then values)
 * and {@code .../offset} I64 [1] = T (older files: {@code .../current_end} of shape [T]). Immutable.
 *
 * @param keys per layer [length, heads * headDim]
 * @param values likewise
 * @param length positions held
 */
public record VoiceState(float[][] keys, float[][] values, int length, int heads, int headDim) {

    private static String prefix(int layer) {
        return "transformer.layers." + layer + ".self_attn/";
    }

    /** Reads a voice file, checking that it fits a model of {@code layers} layers of {@code heads} x {@code headDim}. */
    public static VoiceState read(Path path, int layers, int heads, int headDim) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(path)) {
            String name = path.getFileName().toString();
            int found = 0;
            while (f.tensor(prefix(found) + "cache").isPresent()) {
                found++;
            }
            if (found == 0) {
                throw new SafetensorsFormatException(name + ": not a Pocket TTS voice state (no transformer.layers.0.self_attn/cache)");
            }
            float[][] keys = new float[found][];
            float[][] values = new float[found][];
            int length = -1;
            int fileHeads = 0;
            int fileHeadDim = 0;
            for (int l = 0; l < found; l++) {
                SafetensorsFile.Tensor cache = f.require(prefix(l) + "cache");
                long[] s = cache.shape();
                if (s.length != 5 || s[0] != 2 || s[1] != 1) {
                    throw new SafetensorsFormatException(name + ": layer " + l + " cache has shape " + cache.shapeString()
                            + ", expected [2, 1, positions, heads, head_dim]");
                }
                int capacity = (int) s[2];
                fileHeads = (int) s[3];
                fileHeadDim = (int) s[4];
                int offset = offset(f, l, name);
                if (offset < 1 || offset > capacity) {
                    throw new SafetensorsFormatException(name + ": layer " + l + " offset " + offset + " is outside its cache of " + capacity);
                }
                if (length >= 0 && offset != length) {
                    throw new SafetensorsFormatException(name + ": the layers hold different numbers of positions");
                }
                length = offset;
                float[] all = f.floats(cache);
                int width = fileHeads * fileHeadDim;
                keys[l] = java.util.Arrays.copyOfRange(all, 0, offset * width);
                values[l] = java.util.Arrays.copyOfRange(all, capacity * width, capacity * width + offset * width);
                for (float v : keys[l]) {
                    if (!Float.isFinite(v)) {
                        throw new SafetensorsFormatException(name + ": layer " + l + " holds non-finite keys");
                    }
                }
            }
            if (found != layers || fileHeads != heads || fileHeadDim != headDim) {
                throw new SafetensorsFormatException(name + " is a voice for another model: it has " + found + " layers of " + fileHeads
                        + " heads x " + fileHeadDim + ", this model " + layers + " layers of " + heads + " heads x " + headDim);
            }
            return new VoiceState(keys, values, length, heads, headDim);
        }
    }

    private static int offset(SafetensorsFile f, int layer, String name) throws SafetensorsFormatException {
        var offset = f.tensor(prefix(layer) + "offset");
        if (offset.isPresent()) {
            long[] v = f.longs(offset.get());
            if (v.length < 1 || v[0] > Integer.MAX_VALUE) {
                throw new SafetensorsFormatException(name + ": layer " + layer + " has a bad offset");
            }
            return (int) v[0];
        }
        var end = f.tensor(prefix(layer) + "current_end");
        if (end.isPresent()) { // older files: the step count is the tensor's length
            return (int) Math.min(Integer.MAX_VALUE, end.get().shape().length == 0 ? 0 : end.get().shape()[0]);
        }
        throw new SafetensorsFormatException(name + ": layer " + layer + " has neither offset nor current_end");
    }

    /** Writes the state in upstream's layout (readable by upstream's tools). */
    public void write(Path path) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        int width = heads * headDim;
        for (int l = 0; l < keys.length; l++) {
            float[] both = new float[2 * length * width];
            System.arraycopy(keys[l], 0, both, 0, length * width);
            System.arraycopy(values[l], 0, both, length * width, length * width);
            w.putF32(prefix(l) + "cache", new long[] {2, 1, length, heads, headDim}, both);
            w.putI64(prefix(l) + "offset", new long[] {1}, new long[] {length});
        }
        w.write(path);
    }
}
