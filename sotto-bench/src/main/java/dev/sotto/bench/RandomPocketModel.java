package dev.sotto.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sotto.pocket.PocketConfig;
import dev.sotto.pocket.PocketLayout;
import dev.sotto.pocket.convert.PocketConfigs;
import dev.sotto.pocket.convert.PocketImporter;
import dev.sotto.tensor.GgmlType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A Pocket TTS model with random weights at the exact size of a published variant (its configuration from
 * variants.json), for measuring speed where the real weights cannot be used: writes a safetensors file with
 * upstream's names and shapes ({@link PocketLayout}), then converts it with the importer. Weights are scaled so that
 * activations stay in a normal range (matrices N(0, 1/fan-in), norms 1, biases 0, layer scales 0.01, the flow head's
 * frequencies as upstream computes them).
 *
 * <p>Usage: {@code RandomPocketModel VARIANT TOKENIZER.model OUT.gguf [TYPE] [SEED] [encoder]}; the tokenizer must have the
 * variant's n_bins pieces (the fixtures' tokenizer.model has 4000); {@code encoder} adds the Mimi encoder's weights (as
 * the gated repository has them), for timing voices made from recordings.
 */
public final class RandomPocketModel {
    private RandomPocketModel() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: RandomPocketModel VARIANT TOKENIZER.model OUT.gguf [f32|f16|q8_0|q4_0] [SEED]");
            System.exit(2);
        }
        GgmlType type = args.length > 3 ? GgmlType.parse(args[3]) : GgmlType.F32;
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 1;
        boolean encoder = args.length > 5 && args[5].equals("encoder");
        Path out = Path.of(args[2]);
        var tree = PocketConfigs.variant(args[0]);
        PocketConfig config = PocketConfigs.parse(tree, "variant " + args[0]);
        Path weights = Files.createTempFile("sotto-random-pocket-", ".safetensors");
        try {
            Map<String, long[]> layout = new java.util.LinkedHashMap<>(PocketLayout.decoder(config));
            if (encoder) {
                layout.putAll(PocketLayout.encoder(config));
            }
            long params = write(layout, weights, seed);
            PocketImporter.Report r = PocketImporter.convert(new PocketImporter.Source(weights, tree, "variant " + args[0], Path.of(args[1]),
                    "random-" + args[0], PocketConfigs.language(args[0]), null), out, type);
            System.out.printf("%s: random %s (%,d parameters), %d tensors %s, %,d bytes%n", out.getFileName(), args[0], params, r.tensors(),
                    r.tensorsByType(), Files.size(out));
        } finally {
            Files.deleteIfExists(weights);
        }
    }

    /** Writes random F32 tensors of {@code layout} as a safetensors file, streaming; returns the parameter count. */
    static long write(Map<String, long[]> layout, Path path, long seed) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        long offset = 0;
        long params = 0;
        for (Map.Entry<String, long[]> e : layout.entrySet()) {
            long n = count(e.getValue());
            ObjectNode t = header.putObject(e.getKey()).put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : e.getValue()) {
                shape.add(d);
            }
            t.putArray("data_offsets").add(offset).add(offset + 4 * n);
            offset += 4 * n;
            params += n;
        }
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        SplittableRandom random = new SplittableRandom(seed);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 20)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(h);
            out.write(" ".repeat(padded - h.length).getBytes(StandardCharsets.US_ASCII));
            for (Map.Entry<String, long[]> e : layout.entrySet()) {
                float[] v = values(e.getKey(), e.getValue(), random);
                ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                out.write(b.array());
            }
        }
        return params;
    }

    private static float[] values(String name, long[] shape, SplittableRandom random) {
        int n = Math.toIntExact(count(shape));
        float[] v = new float[n];
        if (name.endsWith("freqs")) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) Math.exp(-Math.log(10000) * i / n);
            }
        } else if (name.endsWith(".bias") || name.endsWith("emb_mean")) {
            return v;
        } else if (name.endsWith("alpha") || name.endsWith("emb_std") || shape.length == 1 && name.endsWith(".weight")) {
            java.util.Arrays.fill(v, 1f);
        } else if (name.contains("layer_scale")) {
            java.util.Arrays.fill(v, 0.01f);
        } else {
            double std = shape.length == 1 || name.endsWith("embed.weight") || name.contains("bos") ? 1.0
                    : 1.0 / Math.sqrt(count(shape) / shape[0]);
            for (int i = 0; i < n; i++) {
                v[i] = (float) (random.nextGaussian() * std);
            }
        }
        return v;
    }

    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
