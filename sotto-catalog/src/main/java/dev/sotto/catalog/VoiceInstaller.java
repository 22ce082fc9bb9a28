package dev.sotto.catalog;

import dev.sotto.onnx.PiperImporter;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Downloads voices from the catalog and installs them: each file is fetched into {@code downloads/NAME/} (resuming
 * a partial file with an HTTP Range request), checked against the catalog's size and MD5, converted to GGUF at the
 * chosen type, and moved into {@code voices/} atomically. On any failure the voices directory is untouched; a
 * partial download is kept only when it can be resumed (the message says to run the command again).
 */
public final class VoiceInstaller {
    /** The Hugging Face repository: {@code voices.json} at its root, each file at its catalog path below it. */
    public static final String DEFAULT_BASE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main";

    /** Download progress: bytes of {@code file} so far out of {@code total}. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (file, done, total) -> { };

        void update(String file, long done, long total);
    }

    private final VoiceHome home;
    private final String baseUrl;
    private final Downloader downloader;

    /**
     * @param baseUrl where {@code voices.json} and the files are
     * @param stallTimeout how long a connection or a transfer may make no progress before it is abandoned
     */
    public VoiceInstaller(VoiceHome home, String baseUrl, Duration stallTimeout) {
        this.home = Objects.requireNonNull(home, "home");
        URI u = URI.create(Objects.requireNonNull(baseUrl, "baseUrl"));
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
            throw new IllegalArgumentException("the voices URL must be http(s)://host/path, got '" + baseUrl + "'");
        }
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        HttpClient http = HttpClient.newBuilder().connectTimeout(stallTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.downloader = new Downloader(http, stallTimeout);
    }

    /** {@code SOTTO_VOICES_URL} or the Hugging Face repository; 30 s without progress is a stall. */
    public static VoiceInstaller fromEnvironment(VoiceHome home, String baseUrlOrNull) {
        String url = baseUrlOrNull != null ? baseUrlOrNull : System.getenv("SOTTO_VOICES_URL");
        return new VoiceInstaller(home, url == null || url.isBlank() ? DEFAULT_BASE_URL : url, Duration.ofSeconds(30));
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Largest {@code voices.json} taken (Piper's is about 1 MB). */
    static final int MAX_CATALOG_BYTES = 32 << 20;

    /** The catalog, fetched from the base URL (at most {@link #MAX_CATALOG_BYTES}, abandoned when it stalls). */
    public VoiceCatalog catalog() throws CatalogException {
        String url = baseUrl + "/voices.json";
        byte[] json = downloader.fetchSmall(url, MAX_CATALOG_BYTES);
        if (json == null) {
            throw CatalogException.notFound("the voice catalog at " + url + " answered HTTP 404");
        }
        return VoiceCatalog.parse(json);
    }

    /**
     * The licence the voice's model card names (Piper's cards give the training data's licence on a
     * {@code License:} line), or null when the catalog lists no card or it cannot be read. Reads at most 64 KiB.
     */
    public String licence(VoiceCatalog.Entry e) {
        if (e.modelCard() == null) {
            return null;
        }
        try {
            byte[] b = downloader.fetchSmall(baseUrl + "/" + e.modelCard().path(), 64 * 1024);
            if (b == null) {
                return null;
            }
            for (String line : new String(b, java.nio.charset.StandardCharsets.UTF_8).split("\\R")) {
                String l = line.replaceFirst("^[*\\s-]+", "");
                if (l.regionMatches(true, 0, "License:", 0, 8)) {
                    String value = l.substring(8).strip().replaceAll("\\p{Cntrl}", "");
                    return value.isEmpty() ? null : value.substring(0, Math.min(200, value.length()));
                }
            }
            return null;
        } catch (CatalogException ex) {
            return null;
        }
    }

    /**
     * Downloads, verifies, converts and installs voice {@code nameOrAlias} as {@code voices/KEY.gguf} (and, with
     * {@code keepOnnx}, the Piper files beside it). Returns the installed file.
     */
    public Path install(String nameOrAlias, GgmlType type, boolean keepOnnx, Progress progress) throws CatalogException {
        VoiceCatalog.Entry e = catalog().find(nameOrAlias);
        if (e == null) {
            throw new CatalogException("no voice '" + nameOrAlias + "' in the catalog at " + baseUrl + "; see 'sotto voices list'");
        }
        return install(e, type, keepOnnx, progress);
    }

    /** {@link #install(String, GgmlType, boolean, Progress)} for a catalog entry already at hand. */
    public Path install(VoiceCatalog.Entry e, GgmlType type, boolean keepOnnx, Progress progress) throws CatalogException {
        Path work = home.workDir(e.key());
        Path onnx;
        Path config;
        try {
            onnx = download(e.onnx(), work.resolve(e.key() + ".onnx"), progress);
            config = download(e.config(), work.resolve(e.key() + ".onnx.json"), progress);
        } catch (CatalogException | RuntimeException | Error ex) {
            deleteIfEmpty(work); // a partial file stays to be resumed; an empty directory does not
            throw ex;
        }
        Path target = home.voicePath(e.key());
        Path tmp = home.voicesDir().resolve("." + e.key() + ".gguf.installing");
        boolean done = false;
        try {
            PiperImporter.convert(onnx, config, tmp, type);
            if (keepOnnx) {
                Files.copy(onnx, home.voicesDir().resolve(e.key() + ".onnx"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(config, home.voicesDir().resolve(e.key() + ".onnx.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } catch (IOException | RuntimeException ex) {
            throw new CatalogException("voice '" + e.key() + "' downloaded but could not be converted: " + ex.getMessage(), ex);
        } finally {
            if (!done) { // whatever went wrong, errors included: verified files that do not convert are not worth resuming
                Downloader.deleteQuietly(tmp);
                deleteTree(work);
            }
        }
        deleteTree(work);
        return target;
    }

    static void deleteIfEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            if (s.findAny().isEmpty()) {
                Files.deleteIfExists(dir);
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Fetches catalog file {@code f} into {@code dest}, checked against the catalog's size and MD5. */
    private Path download(VoiceCatalog.CatalogFile f, Path dest, Progress progress) throws CatalogException {
        return downloader.fetch(baseUrl + "/" + f.path(), dest, new Downloader.Expected(f.sizeBytes(), f.md5()), progress);
    }

    static void deleteTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(Downloader::deleteQuietly);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
