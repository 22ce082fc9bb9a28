package dev.sotto.server;

import dev.sotto.api.Voice;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The voices a server speaks with, by name; the first is the default (what OpenAI's own voice names select).
 * Names are looked up in this map only, never turned into paths, so a request cannot reach any other file.
 */
public final class VoiceRegistry implements AutoCloseable {
    private final Map<String, Voice> voices = new LinkedHashMap<>();

    /** Adds {@code voice} under {@code name}; names must be unique. Returns this registry. */
    public VoiceRegistry add(String name, Voice voice) {
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("voice name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        if (voices.putIfAbsent(name, voice) != null) {
            throw new IllegalArgumentException("two voices are named '" + name + "'");
        }
        return this;
    }

    public List<String> names() {
        return new ArrayList<>(voices.keySet());
    }

    public boolean isEmpty() {
        return voices.isEmpty();
    }

    String defaultName() {
        return voices.keySet().iterator().next();
    }

    /** The registered name {@code requested} stands for (itself, or the default for an OpenAI voice name), or null. */
    String resolve(String requested) {
        if (voices.containsKey(requested)) {
            return requested;
        }
        if (SpeechRequest.OPENAI_VOICES.contains(requested) && !voices.isEmpty()) {
            return defaultName();
        }
        return null;
    }

    Voice get(String name) {
        return voices.get(name);
    }

    Map<String, Voice> all() {
        return voices;
    }

    @Override
    public void close() {
        voices.values().forEach(Voice::close);
    }
}
