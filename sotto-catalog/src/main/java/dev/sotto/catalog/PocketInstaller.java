package dev.sotto.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sotto.pocket.convert.PocketConfigs;
import dev.sotto.pocket.convert.PocketImporter;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installs the published Pocket TTS variants (Kyutai, weights CC-BY-4.0) as {@code voices/pocket-VARIANT.gguf} with
 * their preset voices in {@code voices/pocket-VARIANT.voices/}: the model, its tokenizer and the chosen voice states are
 * fetched from the repository without voice cloning ({@code BASE/REVISION/PATH}, revisions pinned as in the variants'
 * configurations), each resumable and checked (size, and SHA-256 where the server states it), converted at the chosen
 * type and moved into place atomically; on failure nothing is installed.
 */
public final class PocketInstaller {
    /** Files at {@code BASE/REVISION/PATH}. */
    public static final String DEFAULT_BASE_URL = "https://huggingface.co/kyutai/pocket-tts-without-voice-cloning/resolve";
    /** Installed names are {@code pocket-} and the variant. */
    public static final String PREFIX = "pocket-";
    /** The English preset voices upstream publishes (at the pinned commit); other languages have their default voice. */
    static final List<String> ENGLISH_VOICES = List.of("alba", "marius", "javert", "jean", "anna", "vera", "fantine", "charles", "paul",
            "eponine", "azelma", "george", "mary", "jane", "michael", "eve", "bill_boerst", "peter_yearsley", "stuart_bell", "caro_davy",
            "cosette");
    private static final Pattern HF = Pattern.compile("hf://([^/]+/[^/]+)/(.+)@([0-9A-Za-z._-]+)");

    /**
     * A published variant.
     *
     * @param name variant name ("english_2026-04")
     * @param language language code
     * @param weightsPath the model's path in the repository
     * @param tokenizerPath the tokenizer's path
     * @param revision the repository revision the paths are pinned to
     * @param config the variant's configuration tree
     */
    public record Variant(String name, String language, String weightsPath, String tokenizerPath, String revision, JsonNode config) {
        /** The name it installs under. */
        public String installedName() {
            return PREFIX + name;
        }

        /** The preset voices that may be published for it. */
        public List<String> knownVoices() {
            String d = PocketConfigs.defaultVoice(language);
            return language.equals("en") ? ENGLISH_VOICES : d == null ? List.of() : List.of(d);
        }

        /** Where its preset voices are. */
        String voicePath(String voice) {
            return weightsPath.replaceFirst("model\\.safetensors$", "embeddings/" + voice + ".safetensors");
        }
    }

    private final VoiceHome home;
    private final String baseUrl;
    private final Downloader downloader;
    private final List<Variant> variants;

    public PocketInstaller(VoiceHome home, String baseUrl, Duration stallTimeout, List<Variant> variants) {
        this.home = Objects.requireNonNull(home, "home");
        URI u = URI.create(Objects.requireNonNull(baseUrl, "baseUrl"));
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
            throw new IllegalArgumentException("the Pocket TTS URL must be http(s)://host/path, got '" + baseUrl + "'");
        }
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder().connectTimeout(stallTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.downloader = new Downloader(http, stallTimeout);
        this.variants = List.copyOf(variants);
    }

    /** {@code SOTTO_POCKET_URL} or Kyutai's repository; the published variants; 30 s without progress is a stall. */
    public static PocketInstaller fromEnvironment(VoiceHome home, String baseUrlOrNull) {
        String url = baseUrlOrNull != null ? baseUrlOrNull : System.getenv("SOTTO_POCKET_URL");
        return new PocketInstaller(home, url == null || url.isBlank() ? DEFAULT_BASE_URL : url, Duration.ofSeconds(30), published());
    }

    /** The published variants, from the configurations that ship with sotto. */
    public static List<Variant> published() {
        List<Variant> out = new ArrayList<>();
        for (String name : PocketConfigs.variants()) {
            out.add(variant(name, PocketConfigs.variant(name)));
        }
        return out;
    }

    /** A variant from its configuration tree (which names where its files are, as {@code hf://REPO/PATH@REVISION}). */
    public static Variant variant(String name, JsonNode config) {
        Matcher w = HF.matcher(config.path("weights_path_without_voice_cloning").asText(""));
        Matcher t = HF.matcher(config.path("flow_lm").path("lookup_table").path("tokenizer_path").asText(""));
        if (!w.matches() || !t.matches()) {
            throw new IllegalArgumentException("variant '" + name + "' does not say where its files are");
        }
        return new Variant(name, PocketConfigs.language(name), w.group(2), t.group(2), w.group(3), config);
    }

    public List<Variant> variants() {
        return variants;
    }

    /** The variant installed as {@code name} ("pocket-english" or "english"), or null. */
    public Variant find(String name) {
        String v = name.toLowerCase(Locale.ROOT).startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        return variants.stream().filter(x -> x.name().equals(v)).findFirst().orElse(null);
    }

    /**
     * Downloads, checks, converts and installs variant {@code name} with preset voices {@code voices} (null: the
     * language's default voice; a name absent from the repository is skipped). Returns the installed model file.
     */
    public Path install(String name, GgmlType type, List<String> voices, VoiceInstaller.Progress progress) throws CatalogException {
        Variant v = find(name);
        if (v == null) {
            throw new CatalogException("no Pocket TTS variant '" + name + "'; the published ones are " + String.join(", ",
                    variants.stream().map(Variant::installedName).toList()));
        }
        String key = v.installedName();
        Path work = home.workDir(key);
        Path weights = downloader.fetch(url(v, v.weightsPath()), work.resolve("model.safetensors"), Downloader.Expected.UNKNOWN, progress);
        Path tokenizer = downloader.fetch(url(v, v.tokenizerPath()), work.resolve("tokenizer.model"), Downloader.Expected.UNKNOWN, progress);
        String defaultVoice = PocketConfigs.defaultVoice(v.language());
        List<String> wanted = voices != null ? voices : defaultVoice == null ? List.of() : List.of(defaultVoice);
        List<Path> voiceFiles = new ArrayList<>();
        for (String voice : wanted) {
            VoiceHome.checkedName(voice);
            try {
                voiceFiles.add(downloader.fetch(url(v, v.voicePath(voice)), work.resolve(voice + ".safetensors"), Downloader.Expected.UNKNOWN,
                        progress));
            } catch (CatalogException e) {
                if (!e.isNotFound() || voices != null && voices.size() == 1) {
                    throw e;
                }
                // not published for this variant: skipped
            }
        }
        Path target = home.voicePath(key);
        Path tmp = home.voicesDir().resolve("." + key + ".gguf.installing");
        Path presets = home.presetVoicesDir(key);
        Path presetsTmp = home.voicesDir().resolve("." + key + ".voices.installing");
        try {
            PocketImporter.convert(new PocketImporter.Source(weights, v.config(), "variant " + v.name(), tokenizer, key, v.language(),
                    voiceFiles.stream().anyMatch(p -> p.getFileName().toString().equals(defaultVoice + ".safetensors")) ? defaultVoice : null),
                    tmp, type);
            VoiceInstaller.deleteTree(presetsTmp);
            Files.createDirectories(presetsTmp);
            for (Path f : voiceFiles) {
                Files.copy(f, presetsTmp.resolve(f.getFileName()));
            }
            VoiceInstaller.deleteTree(presets);
            Files.move(presetsTmp, presets, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Downloader.deleteQuietly(tmp);
            VoiceInstaller.deleteTree(presetsTmp);
            VoiceInstaller.deleteTree(work); // verified files that do not convert are not worth resuming
            throw new CatalogException("Pocket TTS variant '" + v.name() + "' downloaded but could not be installed: " + e.getMessage(), e);
        }
        VoiceInstaller.deleteTree(work);
        return target;
    }

    private String url(Variant v, String path) {
        return baseUrl + "/" + v.revision() + "/" + path;
    }
}
