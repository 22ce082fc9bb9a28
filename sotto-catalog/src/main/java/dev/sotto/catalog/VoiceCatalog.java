package dev.sotto.catalog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sotto.io.VoiceNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Piper's voice catalog ({@code voices.json} of the rhasspy/piper-voices repository): key -> name, language,
 * quality, speakers, files (path below the repository root, with size and MD5) and aliases. Every key and file
 * path is validated, so a hostile catalog cannot point outside the download directory.
 */
public final class VoiceCatalog {
    /** A voice's name, as the catalog and the data directory spell it. */
    public static final String NAME_PATTERN = VoiceNames.PATTERN;

    /**
     * A downloadable file.
     *
     * @param path below the repository root, e.g. {@code en/en_US/lessac/medium/en_US-lessac-medium.onnx}
     */
    public record CatalogFile(String path, long sizeBytes, String md5) {
    }

    /**
     * One voice of the catalog.
     *
     * @param modelCard the voice's {@code MODEL_CARD} (dataset, licence), or null when the catalog lists none
     */
    public record Entry(String key, String name, String language, String languageName, String quality, int speakers,
                        List<String> speakerNames, List<String> aliases, CatalogFile onnx, CatalogFile config, CatalogFile modelCard) {
        /** Whether the voice speaks {@code lang}: "en" matches en_US and en_GB, "en_GB" only en_GB. */
        public boolean speaks(String lang) {
            String l = lang.replace('-', '_').toLowerCase(Locale.ROOT);
            String mine = language.toLowerCase(Locale.ROOT);
            return mine.equals(l) || mine.startsWith(l + "_");
        }

        public long downloadBytes() {
            return onnx.sizeBytes() + config.sizeBytes();
        }
    }

    private final Map<String, Entry> byKey;
    private final Map<String, String> aliases;

    private final List<String> skipped;

    private VoiceCatalog(Map<String, Entry> byKey, Map<String, String> aliases, List<String> skipped) {
        this.byKey = byKey;
        this.aliases = aliases;
        this.skipped = List.copyOf(skipped);
    }

    /**
     * Parses {@code voices.json}. Voices without an .onnx and .onnx.json are left out; so are voices with an unsafe
     * name or file path, or files without a size and MD5, each noted in {@link #skipped()}.
     */
    public static VoiceCatalog parse(byte[] json) throws CatalogException {
        JsonNode root;
        try {
            ObjectMapper m = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build()).build());
            root = m.readTree(json);
        } catch (IOException e) {
            throw new CatalogException("the voice catalog is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new CatalogException("the voice catalog must be a JSON object of voices");
        }
        Map<String, Entry> byKey = new LinkedHashMap<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (var e : root.properties()) {
            String key = e.getKey();
            if (!key.matches(NAME_PATTERN)) {
                skipped.add("a voice with an unsafe name: '" + printable(key) + "'");
                continue;
            }
            JsonNode v = e.getValue();
            CatalogFile onnx = null;
            CatalogFile config = null;
            CatalogFile modelCard = null;
            String unsafe = null;
            for (var file : v.path("files").properties()) {
                String path = file.getKey();
                if (!safePath(path)) {
                    unsafe = "voice '" + key + "': an unsafe file path, '" + printable(path) + "'";
                    break;
                }
                CatalogFile cf = new CatalogFile(path, file.getValue().path("size_bytes").asLong(-1), file.getValue().path("md5_digest").asText(""));
                if (path.endsWith(".onnx")) {
                    onnx = cf;
                } else if (path.endsWith(".onnx.json")) {
                    config = cf;
                } else if (path.endsWith("/MODEL_CARD")) {
                    modelCard = cf;
                }
            }
            if (unsafe != null) {
                skipped.add(unsafe);
                continue;
            }
            if (onnx == null || config == null) {
                continue;
            }
            if (!verifiable(onnx) || !verifiable(config)) {
                skipped.add("voice '" + key + "': no size or MD5 for its files, so a download could not be checked");
                continue;
            }
            List<String> speakerNames = new ArrayList<>();
            v.path("speaker_id_map").properties().forEach(s -> speakerNames.add(s.getKey()));
            List<String> al = new ArrayList<>();
            v.path("aliases").forEach(a -> al.add(a.asText()));
            JsonNode lang = v.path("language");
            Entry entry = new Entry(key, v.path("name").asText(key), lang.path("code").asText(""), lang.path("name_english").asText(""),
                    v.path("quality").asText(""), Math.max(1, v.path("num_speakers").asInt(1)), List.copyOf(speakerNames), List.copyOf(al), onnx, config,
                    modelCard);
            byKey.put(key, entry);
            for (String a : al) {
                if (a.matches(NAME_PATTERN)) {
                    aliases.putIfAbsent(a, key);
                }
            }
        }
        return new VoiceCatalog(byKey, aliases, skipped);
    }

    /** A file the catalog gives a size and an MD5 digest for (else a download could not be verified). */
    private static boolean verifiable(CatalogFile f) {
        return f.sizeBytes() >= 0 && f.md5().matches("[0-9a-fA-F]{32}");
    }

    private static String printable(String s) {
        String p = s.replaceAll("\\p{Cntrl}", "?");
        return p.length() > 80 ? p.substring(0, 80) + "..." : p;
    }

    /** The entries left out, each with the reason (unsafe names or paths, files that cannot be verified). */
    public List<String> skipped() {
        return skipped;
    }

    /** A relative path of plain segments: no "..", no absolute path, no backslashes or control characters. */
    static boolean safePath(String path) {
        if (path.isEmpty() || path.length() > 512 || path.startsWith("/") || path.contains("\\") || path.matches("(?s).*\\p{Cntrl}.*")) {
            return false;
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..") || !seg.matches("[A-Za-z0-9_.+-]+")) {
                return false;
            }
        }
        return true;
    }

    /** The voice called {@code nameOrAlias}, or null. */
    public Entry find(String nameOrAlias) {
        Entry e = byKey.get(nameOrAlias);
        if (e == null && aliases.containsKey(nameOrAlias)) {
            e = byKey.get(aliases.get(nameOrAlias));
        }
        return e;
    }

    /** All voices, sorted by key; those speaking {@code lang} when it is not null. */
    public List<Entry> list(String lang) {
        return byKey.values().stream().filter(e -> lang == null || e.speaks(lang)).sorted(Comparator.comparing(Entry::key)).toList();
    }

    public int size() {
        return byKey.size();
    }
}
