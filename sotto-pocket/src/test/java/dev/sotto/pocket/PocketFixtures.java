package dev.sotto.pocket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sotto.testing.FixtureFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Pocket TTS fixtures: the tokenizer and the tiny set are bundled with the tests, the mid set comes from the shared folder. */
public final class PocketFixtures {
    private PocketFixtures() {
    }

    /** A fixture file, {@code NAME} inside the pocket set ("tokenizer.model", "tiny/model.safetensors"). */
    public static Path file(String name) {
        return FixtureFiles.file("pocket", name);
    }

    public static JsonNode json(String name) throws IOException {
        return new ObjectMapper().readTree(file(name).toFile());
    }

    /** A raw little-endian float32 file. */
    public static float[] floats(String name) throws IOException {
        byte[] bytes = Files.readAllBytes(file(name));
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    /** Signal-to-noise ratio of {@code actual} against {@code reference}, in dB (over their common length). */
    public static double snrDb(float[] reference, float[] actual) {
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < Math.min(reference.length, actual.length); i++) {
            signal += (double) reference[i] * reference[i];
            double d = (double) reference[i] - actual[i];
            noise += d * d;
        }
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }

    public static double maxAbs(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
