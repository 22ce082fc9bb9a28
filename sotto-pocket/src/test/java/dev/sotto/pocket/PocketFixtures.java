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

    private static final java.util.Map<String, Path> CONVERTED = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Fixture set {@code set} ("tiny", "mid") converted to GGUF at {@code type}, once per JVM (in a temporary
     * directory); the test is skipped when the set is absent.
     */
    public static synchronized Path gguf(String set, dev.sotto.tensor.GgmlType type) throws IOException {
        String key = set + "/" + type;
        Path done = CONVERTED.get(key);
        if (done != null) {
            return done;
        }
        Path weights = file(set + "/model.safetensors");
        Path config = file(set + "/config.json");
        Path tokenizer = file("tokenizer.model");
        Path dir = Files.createTempDirectory("sotto-pocket-");
        dir.toFile().deleteOnExit();
        Path out = dir.resolve(set + "-" + type.cliName() + ".gguf");
        dev.sotto.pocket.convert.PocketImporter.convert(new dev.sotto.pocket.convert.PocketImporter.Source(weights,
                dev.sotto.pocket.convert.PocketConfigs.read(config), config.getFileName().toString(), tokenizer, "pocket-" + set, "en", null),
                out, type);
        out.toFile().deleteOnExit();
        CONVERTED.put(key, out);
        return out;
    }

    /** The converted fixture model, loaded. */
    public static PocketModel model(String set, dev.sotto.tensor.GgmlType type) throws IOException {
        return PocketModel.load(dev.sotto.gguf.GgufFile.open(gguf(set, type)), null);
    }

    /**
     * (set, case name) of every case of the tiny and mid sets that {@code which} accepts; a set that is absent gives one
     * placeholder case, which the test then skips with the reason.
     */
    public static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases(java.util.function.Predicate<JsonNode> which)
            throws IOException {
        java.util.List<org.junit.jupiter.params.provider.Arguments> out = new java.util.ArrayList<>();
        for (String set : java.util.List.of("tiny", "mid")) {
            if (!FixtureFiles.available("pocket", set + "/cases.json")) {
                out.add(org.junit.jupiter.params.provider.Arguments.of(set, "(the " + set + " set)"));
                continue;
            }
            for (JsonNode c : json(set + "/cases.json").get("cases")) {
                if (which.test(c)) {
                    out.add(org.junit.jupiter.params.provider.Arguments.of(set, c.get("name").asText()));
                }
            }
        }
        return out.stream();
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
