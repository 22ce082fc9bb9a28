package dev.sotto.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import dev.sotto.onnx.testing.PiperFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Piper fixtures ({@link PiperFixtures}) and their reference cases. */
final class Fixtures {
    private Fixtures() {
    }

    /** Voice {@code NAME.onnx} (with its config), bundled or shared; the test is skipped when it is at neither. */
    static Path onnx(String name) {
        return PiperFixtures.onnx(name.replaceFirst("\\.onnx$", ""));
    }

    record Case(String model, String text, int[] ids, float noiseScale, float lengthScale, float noiseW, Integer speaker,
                String expectedFile, int samples) {
        float[] expected() throws IOException {
            byte[] bytes = Files.readAllBytes(PiperFixtures.expected(expectedFile));
            float[] out = new float[bytes.length / 4];
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        @Override
        public String toString() {
            return model + " " + expectedFile;
        }
    }

    static List<Case> cases() throws IOException {
        JsonNode root = new ObjectMapper().readTree(PiperFixtures.expected("cases.json").toFile());
        List<Case> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            int[] ids = new int[c.get("ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = c.get("ids").get(i).asInt();
            }
            out.add(new Case(c.get("model").asText(), c.get("text").asText(), ids, (float) c.get("noise_scale").asDouble(),
                    (float) c.get("length_scale").asDouble(), (float) c.get("noise_w").asDouble(),
                    c.get("speaker").isNull() ? null : c.get("speaker").asInt(), c.get("expected").asText(), c.get("samples").asInt()));
        }
        return out;
    }

    static List<Case> casesUnchecked() {
        try {
            return cases();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Signal-to-noise ratio of {@code actual} against {@code reference}, in dB. */
    static double snrDb(float[] reference, float[] actual) {
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < reference.length; i++) {
            signal += (double) reference[i] * reference[i];
            double d = (double) reference[i] - actual[i];
            noise += d * d;
        }
        return noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise);
    }
}
