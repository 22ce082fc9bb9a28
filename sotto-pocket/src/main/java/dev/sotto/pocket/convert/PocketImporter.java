package dev.sotto.pocket.convert;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.gguf.GgufFile;
import dev.sotto.gguf.GgufFormatException;
import dev.sotto.gguf.GgufWriter;
import dev.sotto.io.AtomicFiles;
import dev.sotto.pocket.PocketConfig;
import dev.sotto.pocket.PocketLayout;
import dev.sotto.pocket.PocketModel;
import dev.sotto.pocket.SentencePieceTokenizer;
import dev.sotto.safetensors.SafetensorsFile;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Converts a Pocket TTS model ({@code model.safetensors} with upstream's tensor names, its configuration and its
 * {@code tokenizer.model}) into one GGUF file: every dimension and default as {@code pocket.*} metadata, the tokenizer
 * as {@code tokenizer.ggml.*}, the weights in the types {@link PocketQuantization} chooses. The result is loaded back
 * with the model's own loader before it is moved into place (atomically), so a configuration that disagrees with the
 * weights, or a tokenizer that does not fit the text lookup, fails here with a message, never later.
 */
public final class PocketImporter {
    /** Credit for the published weights (CC-BY-4.0 requires it wherever the voices are offered). */
    public static final String ATTRIBUTION = "Pocket TTS by Kyutai (kyutai.org), weights CC-BY-4.0; voice cloning is subject to"
            + " Kyutai's terms (the speaker's consent)";

    private PocketImporter() {
    }

    /**
     * What to convert.
     *
     * @param weights the model's safetensors file
     * @param config its configuration tree (upstream structure)
     * @param configSource where the configuration came from, for messages
     * @param tokenizer the SentencePiece model file
     * @param name the model's name ({@code general.name})
     * @param language language tag(s), comma-separated
     * @param defaultVoice the preset voice used when none is named (may be null)
     */
    public record Source(Path weights, JsonNode config, String configSource, Path tokenizer, String name, String language, String defaultVoice) {
    }

    /** What a conversion produced. */
    public record Report(PocketConfig config, int tensors, long bytes, Map<GgmlType, Integer> tensorsByType, boolean hasEncoder,
                         int ignoredTensors) {
    }

    public static Report convert(Source src, Path out, GgmlType type) throws IOException {
        Report[] report = new Report[1];
        AtomicFiles.write(out, tmp -> report[0] = write(src, type, tmp));
        return report[0];
    }

    /** Writes the GGUF file to {@code tmp} and loads it back; the caller moves it into place (or removes it). */
    private static Report write(Source src, GgmlType type, Path tmp) throws IOException {
        PocketConfig config = PocketConfigs.parse(src.config(), src.configSource());
        SentencePieceTokenizer tokenizer = TokenizerModelReader.read(src.tokenizer());
        if (tokenizer.vocabSize() != config.flowLm().nBins()) {
            throw new ConversionException(src.tokenizer().getFileName() + " has " + tokenizer.vocabSize() + " pieces but the configuration's"
                    + " text lookup has n_bins " + config.flowLm().nBins() + ": the tokenizer does not fit this model");
        }
        GgufWriter w = new GgufWriter();
        w.put("general.architecture", PocketModel.ARCHITECTURE);
        w.put("general.name", src.name());
        w.put("general.source", "pocket-tts safetensors (" + src.weights().getFileName() + "), config " + src.configSource());
        w.put("general.license", "CC-BY-4.0 (weights); MIT (upstream code)");
        w.put("sotto.weight_policy", PocketQuantization.describe(type));
        if (type == GgmlType.Q8_0 || type == GgmlType.Q4_0) {
            w.put("general.quantization_version", 2);
        }
        w.put("pocket.language", src.language());
        if (src.defaultVoice() != null) {
            w.put("pocket.default_voice", src.defaultVoice());
        }
        w.put("pocket.attribution", ATTRIBUTION);
        w.put("pocket.config_json", PocketConfigs.json(src.config()));
        config.writeTo(w);
        tokenizer.writeTo(w);
        Map<GgmlType, Integer> byType = new EnumMap<>(GgmlType.class);
        long bytes = 0;
        int count = 0;
        int ignored = 0;
        boolean encoder;
        try (SafetensorsFile st = SafetensorsFile.open(src.weights()); Arena arena = Arena.ofConfined()) {
            Map<String, long[]> needed = PocketLayout.decoder(config);
            Map<String, long[]> encoderLayout = PocketLayout.encoder(config);
            check(st, needed, src.weights().getFileName().toString());
            encoder = encoderLayout.keySet().stream().anyMatch(n -> st.tensor(n).isPresent());
            if (encoder) {
                check(st, encoderLayout, src.weights().getFileName().toString() + " (its Mimi encoder)");
            }
            for (SafetensorsFile.Tensor t : st.tensors().values()) {
                String name = t.name();
                if (!needed.containsKey(name) && !(encoder && encoderLayout.containsKey(name))) {
                    ignored++;
                    continue;
                }
                if (!t.dtype().isFloat()) {
                    throw new ConversionException(src.weights().getFileName() + ": tensor '" + name + "' is " + t.dtype() + ", expected floats");
                }
                long[] shape = PocketLayout.stored(name, t.shape());
                float[] values = st.floats(t);
                for (float v : values) {
                    if (!Float.isFinite(v)) {
                        throw new ConversionException(src.weights().getFileName() + ": tensor '" + name + "' holds non-finite values");
                    }
                }
                GgmlType tt = PocketQuantization.typeFor(name, shape, type);
                MemorySegment data = arena.allocate(tt.bytesFor(values.length), 64);
                tt.format().quantize(values, 0, values.length, data, 0);
                long[] dims = new long[shape.length];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = shape[shape.length - 1 - i];
                }
                w.addTensor(name, dims, tt, data);
                byType.merge(tt, 1, Integer::sum);
                bytes += data.byteSize();
                count++;
            }
            w.put("pocket.has_encoder", encoder);
            w.write(tmp);
        }
        try (GgufFile check = GgufFile.open(tmp); PocketModel model = PocketModel.load(check, null)) {
            // Loaded with the model's own shape checks: nothing to do, the file is consistent.
            model.info();
        } catch (GgufFormatException e) {
            throw new ConversionException("the configuration and the weights disagree: " + e.getMessage());
        }
        return new Report(config, count, bytes, byType, encoder, ignored);
    }

    /** Every tensor of {@code layout} is in the file with its shape; else an error naming the first that is not. */
    private static void check(SafetensorsFile st, Map<String, long[]> layout, String where) throws ConversionException {
        for (Map.Entry<String, long[]> e : layout.entrySet()) {
            var t = st.tensor(e.getKey());
            if (t.isEmpty()) {
                throw new ConversionException(where + " has no tensor '" + e.getKey() + "', which the configuration asks for (the configuration"
                        + " and the weights disagree)");
            }
            if (!java.util.Arrays.equals(t.get().shape(), e.getValue())) {
                throw new ConversionException(where + ": tensor '" + e.getKey() + "' has shape " + t.get().shapeString() + ", the configuration"
                        + " gives " + java.util.Arrays.toString(e.getValue()) + " (the configuration and the weights disagree)");
            }
        }
    }
}
