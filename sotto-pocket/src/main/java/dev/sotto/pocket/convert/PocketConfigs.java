package dev.sotto.pocket.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sotto.pocket.PocketConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pocket TTS configurations: upstream's YAML (read with SnakeYAML's safe constructor, within limits) or the same
 * structure as JSON, and the published variants, whose configurations ship with sotto ({@code variants.json}, read
 * from upstream's config files at the pinned commit).
 */
public final class PocketConfigs {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Language codes of the variants' names. */
    private static final Map<String, String> LANGUAGES = Map.of("english", "en", "french", "fr", "german", "de", "italian", "it",
            "portuguese", "pt", "spanish", "es");
    /** Upstream's default preset voice per language (at the pinned commit). */
    private static final Map<String, String> DEFAULT_VOICES = Map.of("en", "alba", "fr", "estelle", "de", "juergen", "it", "giovanni",
            "pt", "rafael", "es", "lola");

    private PocketConfigs() {
    }

    /** A config file: YAML ({@code .yaml}/{@code .yml}) or JSON, as a tree in upstream's structure. */
    public static JsonNode read(Path path) throws IOException {
        if (Files.size(path) > 1 << 20) {
            throw new ConversionException(path.getFileName() + ": too large for a model configuration");
        }
        String text = Files.readString(path, StandardCharsets.UTF_8);
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return JSON.valueToTree(YamlConfig.parse(text, path.getFileName().toString())); // SnakeYAML is only loaded here
        }
        try {
            JsonNode tree = JSON.readTree(text);
            if (tree == null || !tree.isObject()) {
                throw new ConversionException(path.getFileName() + ": the configuration must be a JSON object");
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw new ConversionException(path.getFileName() + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    /** The published variants' names. */
    public static List<String> variants() {
        List<String> names = new ArrayList<>();
        VARIANTS.get("variants").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The configuration tree of published variant {@code name}. */
    public static JsonNode variant(String name) {
        JsonNode v = VARIANTS.get("variants").get(name);
        if (v == null) {
            throw new IllegalArgumentException("no Pocket TTS variant '" + name + "'; the published variants are " + String.join(", ", variants()));
        }
        return v;
    }

    /** The commit of upstream whose configurations these are. */
    public static String upstream() {
        return VARIANTS.path("upstream").asText("");
    }

    /** The language code of a variant ("english_2026-04" -> "en"), or "en". */
    public static String language(String variant) {
        String base = variant.toLowerCase(Locale.ROOT).replaceFirst("[_-].*$", "");
        return LANGUAGES.getOrDefault(base, "en");
    }

    /** Upstream's default voice for a language, or null. */
    public static String defaultVoice(String language) {
        return DEFAULT_VOICES.get(language);
    }

    /** Parses a configuration tree, with the problem named on failure. */
    public static PocketConfig parse(JsonNode tree, String source) throws ConversionException {
        try {
            return PocketConfig.fromTree(tree);
        } catch (IllegalArgumentException e) {
            throw new ConversionException(source + ": " + e.getMessage());
        }
    }

    /** The tree as compact JSON (kept in the GGUF for provenance). */
    static String json(JsonNode tree) {
        ObjectNode copy = tree.deepCopy();
        return copy.toString();
    }

    private static final JsonNode VARIANTS = load();

    private static JsonNode load() {
        try (InputStream in = PocketConfigs.class.getResourceAsStream("variants.json")) {
            if (in == null) {
                throw new IllegalStateException("variants.json is missing from sotto-pocket's resources");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
