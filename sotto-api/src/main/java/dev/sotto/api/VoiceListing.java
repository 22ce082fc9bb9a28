package dev.sotto.api;

import java.util.List;

/**
 * What a {@link Synthesizer} speaks, for listings (the server's {@code /v1/voices}, {@code sotto voices}).
 *
 * @param family the model family or service ("Piper (VITS)", "Pocket TTS", "cloud")
 * @param languages language tags
 * @param sampleRate samples per second of its audio
 * @param speakers speaker names by id ("" where unnamed); one entry for single-speaker voices
 * @param presetVoices preset voices selectable by name; empty where there are none
 * @param defaultPresetVoice the preset used when none is named, or null
 * @param attribution credit and licence terms to show with it, or null
 */
public record VoiceListing(String family, List<String> languages, int sampleRate, List<String> speakers, List<String> presetVoices,
                           String defaultPresetVoice, String attribution) {
    public VoiceListing {
        languages = List.copyOf(languages);
        speakers = List.copyOf(speakers);
        presetVoices = List.copyOf(presetVoices);
    }
}
