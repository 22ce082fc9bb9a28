package dev.sotto.onnx;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sotto.gguf.GgufWriter;
import dev.sotto.vits.PiperConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Piper voice's {@code .onnx.json}: sample rate, espeak voice, language, inference defaults, phoneme id map and
 * speakers. Written into the GGUF both whole ({@code piper.config_json}) and as typed {@code piper.*} keys.
 */
public record PiperConfigJson(String json, int sampleRate, String espeakVoice, String languageCode, String phonemeType,
                              float noiseScale, float lengthScale, float noiseW, List<String> phonemes,
                              List<int[]> phonemeIds, List<String> speakerNames, int numSymbols, int numSpeakers) {

    /** Most speakers a config may declare (Piper's largest voices have about 900); the model's tensors decide the rest. */
    static final int MAX_SPEAKERS = 1 << 16;

    public static PiperConfigJson read(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new OnnxFormatException(path.getFileName() + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new OnnxFormatException(path.getFileName() + ": expected a JSON object");
        }
        String where = path.getFileName().toString();
        JsonNode map = root.path("phoneme_id_map");
        if (!map.isObject() || map.isEmpty()) {
            throw new OnnxFormatException(where + ": 'phoneme_id_map' is missing or empty");
        }
        List<String> phonemes = new ArrayList<>();
        List<int[]> ids = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw new OnnxFormatException(where + ": phoneme '" + e.getKey() + "' maps to no ids");
            }
            int[] v = new int[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                JsonNode n = e.getValue().get(i);
                if (!n.canConvertToInt() || n.asInt() < 0) {
                    throw new OnnxFormatException(where + ": phoneme '" + e.getKey() + "' has a bad id " + n);
                }
                v[i] = n.asInt();
            }
            phonemes.add(e.getKey());
            ids.add(v);
        }
        int sampleRate = root.path("audio").path("sample_rate").asInt(0);
        if (sampleRate < 4000 || sampleRate > 192000) {
            throw new OnnxFormatException(where + ": 'audio.sample_rate' is missing or implausible (" + sampleRate + ")");
        }
        JsonNode inference = root.path("inference");
        JsonNode speakerCount = root.path("num_speakers");
        int numSpeakers = speakerCount.isMissingNode() || speakerCount.isNull() ? 1 : speakerCount.canConvertToInt() && speakerCount.isIntegralNumber()
                ? speakerCount.asInt() : -1;
        if (numSpeakers < 1 || numSpeakers > MAX_SPEAKERS) {
            throw new OnnxFormatException(where + ": 'num_speakers' must be a whole number from 1 to " + MAX_SPEAKERS + ", not " + speakerCount);
        }
        List<String> speakers = new ArrayList<>();
        for (int i = 0; i < Math.max(1, numSpeakers); i++) {
            speakers.add("");
        }
        JsonNode spk = root.path("speaker_id_map");
        if (spk.isObject()) {
            for (Map.Entry<String, JsonNode> e : spk.properties()) {
                int id = e.getValue().asInt(-1);
                if (id >= 0 && id < speakers.size()) {
                    speakers.set(id, e.getKey());
                }
            }
        }
        return new PiperConfigJson(text, sampleRate, root.path("espeak").path("voice").asText(""),
                root.path("language").path("code").asText(""), root.path("phoneme_type").asText("espeak"),
                (float) inference.path("noise_scale").asDouble(0.667), (float) inference.path("length_scale").asDouble(1.0),
                (float) inference.path("noise_w").asDouble(0.8), List.copyOf(phonemes), List.copyOf(ids),
                List.copyOf(speakers), root.path("num_symbols").asInt(0), Math.max(1, numSpeakers));
    }

    /** The config as the VITS family keeps it (typed {@code piper.*} metadata). */
    public PiperConfig toPiperConfig() throws IOException {
        Map<String, int[]> ids = new LinkedHashMap<>();
        for (int i = 0; i < phonemes.size(); i++) {
            ids.put(phonemes.get(i), phonemeIds.get(i));
        }
        try {
            return new PiperConfig(json, sampleRate, espeakVoice, languageCode, phonemeType, noiseScale, lengthScale, noiseW, ids,
                    PiperConfig.phonemeMapOf(json), speakerNames);
        } catch (dev.sotto.gguf.GgufFormatException e) {
            throw new OnnxFormatException(e.getMessage());
        }
    }

    /** Writes the {@code piper.*} metadata. */
    public void writeTo(GgufWriter w) throws IOException {
        toPiperConfig().writeTo(w);
    }
}
