package dev.sotto.model;

import dev.sotto.gguf.GgufFile;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a loaded model is and what it needs, family-neutral.
 *
 * @param architecture the GGUF {@code general.architecture} that selected the family ("vits", "pocket-tts")
 * @param family the family's name for people ("Piper (VITS)")
 * @param name the model's name ({@code general.name}, else the file name)
 * @param digest identity of the model file (SHA-256 of its GGUF header: metadata and tensor layout), for cache keys
 * @param sampleRate output samples per second
 * @param textInput what the model needs from text
 * @param languages language tags the model speaks
 * @param speakers speaker names by id of a multi-speaker model ("" where unnamed); one entry for single-speaker models
 * @param voices preset voice names (models conditioned on a voice); empty otherwise
 * @param defaultVoice the preset used when none is named, or null
 * @param parameters the generation parameters the family exposes
 * @param nativeSpeed whether the model takes a speaking rate; if not, speed is a time stretch of its audio
 * @param lowPower what low-power mode skips, for people
 * @param attribution credit and licence terms to show with the model's voices, or null
 */
public record ModelInfo(String architecture, String family, String name, String digest, int sampleRate, TextInput textInput,
                        List<String> languages, List<String> speakers, List<String> voices, String defaultVoice,
                        List<ModelParameter> parameters, boolean nativeSpeed, String lowPower, String attribution) {

    public ModelInfo {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(textInput, "textInput");
        if (sampleRate < 1000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " is outside 1000..192000 Hz");
        }
        languages = List.copyOf(languages);
        speakers = List.copyOf(speakers);
        voices = List.copyOf(voices);
        parameters = List.copyOf(parameters);
        if (speakers.isEmpty()) {
            throw new IllegalArgumentException("a model has at least one speaker");
        }
    }

    /** The parameter called {@code name}, if the family has one. */
    public Optional<ModelParameter> parameter(String name) {
        return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * Checks parameter values given by name: each must be one of the family's parameters and within its range; the
     * message names the parameters the family has.
     */
    public void checkParameters(java.util.Map<String, Double> values) {
        values.forEach((key, value) -> parameter(key).orElseThrow(() -> new IllegalArgumentException(key + " is not a parameter of " + family
                + " voices; they take " + String.join(", ", parameters.stream().map(ModelParameter::name).toList()))).check(value));
    }

    /** The first language, the one a text front end should use. */
    public String language() {
        return languages.isEmpty() ? "en" : languages.get(0);
    }

    /** SHA-256 of a GGUF file's header: equal for equal metadata and tensor layout. */
    public static String digestOf(GgufFile file) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(file.headerBytes().asByteBuffer());
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
