package dev.sotto.catalog;

import dev.sotto.onnx.PiperImporter;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
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
    private final Duration stallTimeout;
    private final HttpClient http;

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
        this.stallTimeout = stallTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(stallTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** {@code SOTTO_VOICES_URL} or the Hugging Face repository; 30 s without progress is a stall. */
    public static VoiceInstaller fromEnvironment(VoiceHome home, String baseUrlOrNull) {
        String url = baseUrlOrNull != null ? baseUrlOrNull : System.getenv("SOTTO_VOICES_URL");
        return new VoiceInstaller(home, url == null || url.isBlank() ? DEFAULT_BASE_URL : url, Duration.ofSeconds(30));
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** The catalog, fetched from the base URL. */
    public VoiceCatalog catalog() throws CatalogException {
        String url = baseUrl + "/voices.json";
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(stallTimeout.multipliedBy(2)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new CatalogException("the voice catalog at " + url + " answered HTTP " + r.statusCode());
            }
            return VoiceCatalog.parse(r.body());
        } catch (IOException e) {
            throw unreachable(url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("interrupted");
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
        Path work = home.downloadsDir().resolve(VoiceHome.checkedName(e.key()));
        try {
            Files.createDirectories(work);
            Files.createDirectories(home.voicesDir());
        } catch (IOException ex) {
            throw new CatalogException("cannot create " + work + ": " + ex.getMessage(), ex);
        }
        Path onnx = download(e.onnx(), work.resolve(e.key() + ".onnx"), progress);
        Path config = download(e.config(), work.resolve(e.key() + ".onnx.json"), progress);
        Path target = home.voicePath(e.key());
        Path tmp = home.voicesDir().resolve("." + e.key() + ".gguf.installing");
        try {
            PiperImporter.convert(onnx, config, tmp, type);
            if (keepOnnx) {
                Files.copy(onnx, home.voicesDir().resolve(e.key() + ".onnx"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(config, home.voicesDir().resolve(e.key() + ".onnx.json"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException ex) {
            deleteQuietly(tmp);
            deleteTree(work); // verified files that do not convert are not worth resuming
            throw new CatalogException("voice '" + e.key() + "' downloaded but could not be converted: " + ex.getMessage(), ex);
        }
        deleteTree(work);
        return target;
    }

    /** Fetches {@code f} into {@code dest}, resuming {@code dest.part}; verifies size and MD5. */
    private Path download(VoiceCatalog.CatalogFile f, Path dest, Progress progress) throws CatalogException {
        String url = baseUrl + "/" + f.path();
        Path part = dest.resolveSibling(dest.getFileName() + ".part");
        if (Files.isRegularFile(dest) && verified(dest, f) == null) {
            return dest; // a finished, verified file from an earlier attempt
        }
        long have = size(part);
        if (f.sizeBytes() >= 0 && have > f.sizeBytes()) {
            deleteQuietly(part);
            have = 0;
        }
        String name = dest.getFileName().toString();
        if (f.sizeBytes() < 0 || have < f.sizeBytes()) {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(stallTimeout);
            if (have > 0) {
                req.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> r;
            try {
                r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException ex) {
                throw unreachable(url, ex);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new CatalogException("interrupted");
            }
            boolean append = r.statusCode() == 206 && have > 0;
            if (r.statusCode() != 200 && !append) {
                closeQuietly(r.body());
                if (r.statusCode() == 416) {
                    deleteQuietly(part); // the server cannot continue it: start over next time
                }
                throw new CatalogException(url + " answered HTTP " + r.statusCode() + (r.statusCode() == 404
                        ? ": the file is not there (is the base URL right?)" : "; try again later"));
            }
            if (!append) {
                have = 0;
            }
            long total = f.sizeBytes();
            try (InputStream in = r.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                copyWatched(in, out, have, total, name, progress);
            } catch (IOException ex) {
                throw new CatalogException("the download of " + name + " stopped after " + size(part) + " of " + total + " bytes ("
                        + ex.getMessage() + "); run the same command again to resume it", ex);
            }
        }
        String problem = verified(part, f);
        if (problem != null) {
            deleteQuietly(part);
            throw new CatalogException(name + " is corrupted: " + problem + "; the damaged file was removed, run the command again");
        }
        try {
            Files.move(part, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ex) {
            throw new CatalogException("cannot move " + part + " into place: " + ex.getMessage(), ex);
        }
        return dest;
    }

    /** Copies with a watchdog that aborts the transfer when no byte arrives for {@link #stallTimeout}. */
    private void copyWatched(InputStream in, OutputStream out, long start, long total, String name, Progress progress) throws IOException {
        long[] last = {System.nanoTime()};
        boolean[] stalled = {false};
        Thread watchdog = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(Math.max(50, stallTimeout.toMillis() / 4));
                } catch (InterruptedException e) {
                    return;
                }
                if (System.nanoTime() - last[0] > stallTimeout.toNanos()) {
                    stalled[0] = true;
                    closeQuietly(in);
                    return;
                }
            }
        });
        try {
            byte[] buf = new byte[1 << 16];
            long done = start;
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                done += n;
                last[0] = System.nanoTime();
                progress.update(name, done, total);
            }
        } catch (IOException e) {
            throw stalled[0] ? new IOException("no data for " + stallTimeout.toSeconds() + " s") : e;
        } finally {
            watchdog.interrupt();
        }
        if (stalled[0]) {
            throw new IOException("no data for " + stallTimeout.toSeconds() + " s");
        }
    }

    /** Null when {@code p} has the catalog's size and MD5, else what is wrong. */
    private static String verified(Path p, VoiceCatalog.CatalogFile f) throws CatalogException {
        long size = size(p);
        if (f.sizeBytes() >= 0 && size != f.sizeBytes()) {
            return "size " + size + " bytes, the catalog says " + f.sizeBytes();
        }
        if (!f.md5().isEmpty()) {
            String md5 = md5(p);
            if (!md5.equalsIgnoreCase(f.md5())) {
                return "MD5 " + md5 + ", the catalog says " + f.md5();
            }
        }
        return null;
    }

    static String md5(Path p) throws CatalogException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) >= 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new CatalogException("cannot read " + p + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private CatalogException unreachable(String url, IOException e) {
        String why = e instanceof HttpTimeoutException ? "no answer within " + stallTimeout.toSeconds() + " s"
                : e instanceof ConnectException ? "connection refused or no network" : String.valueOf(e.getMessage());
        return new CatalogException("cannot reach " + url + " (" + why + "). Check the network, or point --base-url / SOTTO_VOICES_URL "
                + "at a mirror; nothing was installed", e);
    }

    private static long size(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(VoiceInstaller::deleteQuietly);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
