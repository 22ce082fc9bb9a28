package dev.sotto.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sotto.api.SpeakingStyle;
import dev.sotto.api.Synthesizer;
import dev.sotto.api.VoiceListing;
import dev.sotto.codec.OutputFormat;
import java.util.Arrays;
import java.util.Map;

/** {@code GET /v1/models} and {@code GET /v1/voices}. */
final class Listings {
    private final ObjectMapper json;
    private final VoiceRegistry voices;

    Listings(ObjectMapper json, VoiceRegistry voices) {
        this.json = json;
        this.voices = voices;
    }

    ObjectNode models() {
        ObjectNode root = json.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String m : SpeechRequest.MODELS.stream().sorted().toList()) {
            data.addObject().put("id", m).put("object", "model").put("created", 0).put("owned_by", "sotto");
        }
        return root;
    }

    /** Every voice with its language, rate, speakers and preset voices (selectable as "voice": "PRESET" or "NAME:PRESET"). */
    ObjectNode voices() {
        ObjectNode root = json.createObjectNode();
        ArrayNode list = root.putArray("voices");
        for (Map.Entry<String, Synthesizer> e : voices.all().entrySet()) {
            VoiceListing v = e.getValue().listing();
            ObjectNode o = list.addObject().put("name", e.getKey()).put("family", v.family())
                    .put("language", v.languages().isEmpty() ? "" : v.languages().get(0)).put("sample_rate", v.sampleRate())
                    .put("default", e.getKey().equals(voices.defaultName()));
            ArrayNode speakers = o.putArray("speakers");
            for (int i = 0; i < v.speakers().size(); i++) {
                speakers.addObject().put("id", i).put("name", v.speakers().get(i));
            }
            ArrayNode presets = o.putArray("preset_voices");
            v.presetVoices().forEach(presets::add);
            if (v.defaultPresetVoice() != null) {
                o.put("default_preset_voice", v.defaultPresetVoice());
            }
            if (v.attribution() != null) {
                o.put("attribution", v.attribution());
            }
        }
        ArrayNode styles = root.putArray("styles");
        SpeakingStyle.PRESETS.forEach(s -> styles.add(s.name()));
        ArrayNode formats = root.putArray("response_formats");
        Arrays.stream(OutputFormat.values()).forEach(f -> formats.add(f.id()));
        return root;
    }
}
