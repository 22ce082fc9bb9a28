package dev.sotto.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.api.SpeakingStyle;
import dev.sotto.api.SynthesisOptions;
import dev.sotto.api.Synthesizer;
import dev.sotto.codec.OutputFormat;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * A validated {@code POST /v1/audio/speech} body: OpenAI's fields ({@code model}, {@code input}, {@code voice},
 * {@code response_format}, {@code speed}, {@code instructions}) and sotto's extras ({@code speaker}, {@code pitch},
 * {@code emotion}, {@code ssml}, {@code timings}, {@code seed}). {@code voice} names a served voice, a preset voice of
 * one ({@code "alba"} or {@code "NAME:alba"}), or one of OpenAI's voices (the default voice).
 */
record SpeechRequest(String voiceName, String input, OutputFormat format, SynthesisOptions options, boolean timings) {
    /** Model names accepted: all are served by the local voices. */
    static final Set<String> MODELS = Set.of("sotto", "tts-1", "tts-1-hd", "gpt-4o-mini-tts");
    /** OpenAI's built-in voice names: they select the server's default voice, so existing clients work unchanged. */
    static final Set<String> OPENAI_VOICES = Set.of("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer",
            "verse", "marin", "cedar");

    static SpeechRequest parse(JsonNode body, VoiceRegistry voices, int maxInputChars) throws ApiException {
        if (!body.isObject()) {
            throw ApiException.badRequest("the request body must be a JSON object", null);
        }
        String model = requiredString(body, "model");
        String input = requiredString(body, "input");
        if (input.isBlank()) {
            throw ApiException.badRequest("'input' is empty: there is nothing to say", "input");
        }
        if (input.length() > maxInputChars) {
            throw ApiException.badRequest("'input' has " + input.length() + " characters; this server takes at most " + maxInputChars, "input");
        }
        JsonNode voiceNode = body.get("voice");
        String voiceName;
        if (voiceNode != null && voiceNode.isObject() && voiceNode.get("id") != null && voiceNode.get("id").isTextual()) {
            voiceName = voiceNode.get("id").asText();
        } else if (voiceNode != null && voiceNode.isTextual()) {
            voiceName = voiceNode.asText();
        } else {
            throw ApiException.badRequest(voiceNode == null ? "'voice' is required" : "'voice' must be a string", "voice");
        }
        VoiceRegistry.Resolved resolved = voices.resolve(voiceName);
        if (resolved == null) {
            throw ApiException.badRequest("unknown voice '" + printable(voiceName) + "'; voices here: " + String.join(", ", voices.names())
                    + " (OpenAI's voice names select " + voices.defaultName() + ")", "voice");
        }
        if (!MODELS.contains(model) && voices.resolve(model) == null) {
            throw ApiException.badRequest("unknown model '" + printable(model) + "'; use one of " + String.join(", ", MODELS.stream().sorted().toList()),
                    "model");
        }
        String formatName = optionalString(body, "response_format", OutputFormat.MP3.id()); // OpenAI's default
        OutputFormat format = Arrays.stream(OutputFormat.values()).filter(f -> f.id().equals(formatName)).findFirst().orElse(null);
        if (format == null) {
            String why = formatName.equals("aac") ? " (sotto has no maintained pure-Java AAC encoder)" : "";
            throw new ApiException(400, "invalid_request_error", "response_format '" + printable(formatName) + "' is not supported here" + why
                    + "; supported: " + OutputFormat.names(), "response_format", "unsupported_response_format");
        }
        String streamFormat = optionalString(body, "stream_format", "audio");
        if (!streamFormat.equals("audio")) {
            throw ApiException.badRequest("stream_format '" + printable(streamFormat) + "' is not supported here; the audio itself is streamed"
                    + " (stream_format \"audio\")", "stream_format");
        }
        Synthesizer voice = voices.get(resolved.name());
        SynthesisOptions.Builder o = SynthesisOptions.builder().voice(resolved.presetVoice());
        // Each value is checked where it is set, so that an error names its field ("param").
        double speed = optionalNumber(body, "speed", 1.0);
        checked("speed", () -> o.speed(SynthesisOptions.builder().speed((float) speed).build().speed()));
        double pitch = optionalNumber(body, "pitch", 0.0);
        checked("pitch", () -> o.pitch(SynthesisOptions.builder().pitch((float) pitch).build().pitch()));
        String emotion = optionalString(body, "emotion", null);
        String instructions = optionalString(body, "instructions", null);
        if (emotion != null) {
            checked("emotion", () -> o.style(emotion)); // refused by name at once
        } else if (instructions != null) {
            o.style(styleNamedIn(instructions));
        }
        o.ssml(optionalBoolean(body, "ssml", false));
        int speaker = speaker(body.get("speaker"), resolved.name(), voice);
        checked("speaker", () -> o.speaker(speaker));
        long seed = (long) optionalNumber(body, "seed", 0);
        o.seed(seed);
        // false: the audio in as few pieces as the voice can, for a client that keeps it whole (a file); less work in
        // all, the first byte later.
        o.streaming(optionalBoolean(body, "streaming", true));
        boolean timings = optionalBoolean(body, "timings", false);
        try {
            return new SpeechRequest(resolved.name(), input, format, o.build(), timings);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), null);
        }
    }

    /**
     * Runs {@code set} (which checks its value by building options that hold only it), turning a refused value into
     * a 400 that names {@code param}.
     */
    private static void checked(String param, Runnable set) throws ApiException {
        try {
            set.run();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage(), param);
        }
    }

    /** The first style named in free-form instructions ("Speak in a calm voice" -> calm), else neutral. */
    static SpeakingStyle styleNamedIn(String instructions) {
        String lower = instructions.toLowerCase(Locale.ROOT);
        for (SpeakingStyle s : SpeakingStyle.PRESETS) {
            if (lower.matches("(?s).*\\b" + s.name() + "\\b.*")) {
                return s;
            }
        }
        return SpeakingStyle.NEUTRAL;
    }

    private static int speaker(JsonNode n, String name, Synthesizer voice) throws ApiException {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isInt()) {
            return n.asInt();
        }
        if (n.isTextual()) {
            int id = voice.listing().speakers().indexOf(n.asText());
            if (id < 0) {
                throw ApiException.badRequest("voice '" + name + "' has no speaker '" + printable(n.asText()) + "'", "speaker");
            }
            return id;
        }
        throw ApiException.badRequest("'speaker' must be a speaker id or name", "speaker");
    }

    private static String requiredString(JsonNode body, String field) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            throw ApiException.badRequest("'" + field + "' is required", field);
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string", field);
        }
        return n.asText();
    }

    private static String optionalString(JsonNode body, String field, String fallback) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("'" + field + "' must be a string", field);
        }
        return n.asText();
    }

    private static double optionalNumber(JsonNode body, String field, double fallback) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isNumber() || !Double.isFinite(n.asDouble())) {
            throw ApiException.badRequest("'" + field + "' must be a number", field);
        }
        return n.asDouble();
    }

    private static boolean optionalBoolean(JsonNode body, String field, boolean fallback) throws ApiException {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest("'" + field + "' must be true or false", field);
        }
        return n.asBoolean();
    }

    /** A client-supplied value made safe to echo in a message: control characters removed, length capped. */
    static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
