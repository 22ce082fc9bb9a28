package dev.sotto.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
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
import java.util.Locale;
import java.util.Optional;

/**
 * Fetches one file into place: into {@code dest.part} first (resuming a partial file with an HTTP Range request), with
 * a watchdog that gives up after a stall, then checked (the expected size and MD5 when known; the size and SHA-256 the
 * server states, as Hugging Face does in {@code X-Linked-Size} and {@code X-Linked-Etag}) and moved to {@code dest}.
 */
final class Downloader {
    /**
     * What a file should be.
     *
     * @param size bytes, or -1 when unknown
     * @param md5 hex digest, or "" when unknown
     */
    record Expected(long size, String md5) {
        static final Expected UNKNOWN = new Expected(-1, "");
    }

    /** A body longer than it may be: not worth resuming. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /** Most bytes of a file whose size neither the catalog nor the server states. */
    static final long MAX_UNSTATED_BYTES = 2L << 30;

    private final HttpClient http;
    private final Duration stallTimeout;

    Downloader(HttpClient http, Duration stallTimeout) {
        this.http = http;
        this.stallTimeout = stallTimeout;
    }

    Path fetch(String url, Path dest, Expected expected, VoiceInstaller.Progress progress) throws CatalogException {
        Path part = dest.resolveSibling(dest.getFileName() + ".part");
        if (Files.isRegularFile(dest) && problem(dest, expected, Optional.empty()) == null) {
            return dest; // a finished, verified file from an earlier attempt
        }
        long have = size(part);
        if (expected.size() >= 0 && have > expected.size()) {
            deleteQuietly(part);
            have = 0;
        }
        String name = dest.getFileName().toString();
        Optional<String> sha256 = Optional.empty();
        long total = expected.size();
        if (expected.size() < 0 || have < expected.size()) {
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
                if (r.statusCode() == 404) {
                    throw CatalogException.notFound(url + " answered HTTP 404: the file is not there (is the base URL right?)");
                }
                throw new CatalogException(url + " answered HTTP " + r.statusCode() + "; try again later");
            }
            if (!append) {
                have = 0;
            }
            sha256 = stated(r, "X-Linked-Etag").map(v -> v.replace("\"", "").toLowerCase(Locale.ROOT)).filter(v -> v.matches("[0-9a-f]{64}"));
            if (total < 0) {
                total = statedSize(r, have);
            }
            try (InputStream in = r.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                copyWatched(in, out, have, total, name, progress);
            } catch (TooLarge ex) {
                deleteQuietly(part);
                throw new CatalogException(ex.getMessage() + "; the download was stopped and removed", ex);
            } catch (IOException ex) {
                throw new CatalogException("the download of " + name + " stopped after " + size(part) + " of " + total + " bytes ("
                        + ex.getMessage() + "); run the same command again to resume it", ex);
            }
        }
        String problem = problem(part, new Expected(total, expected.md5()), sha256);
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

    /**
     * A small file (a catalog, a model card) into memory: at most {@code maxBytes}, abandoned when no byte arrives for
     * the stall timeout. Null for HTTP 404.
     */
    byte[] fetchSmall(String url, int maxBytes) throws CatalogException {
        HttpResponse<InputStream> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(stallTimeout).build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException ex) {
            throw unreachable(url, ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new CatalogException("interrupted");
        }
        if (r.statusCode() != 200) {
            closeQuietly(r.body());
            if (r.statusCode() == 404) {
                return null;
            }
            throw new CatalogException(url + " answered HTTP " + r.statusCode() + "; try again later");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (InputStream in = r.body()) {
            copyWatched(in, out, 0, maxBytes, url.substring(url.lastIndexOf('/') + 1), VoiceInstaller.Progress.NONE);
        } catch (IOException ex) {
            throw new CatalogException("reading " + url + " failed: " + ex.getMessage(), ex);
        }
        return out.toByteArray();
    }

    /** A header of the response or of a redirect before it (Hugging Face states sizes and digests on the redirect). */
    private static Optional<String> stated(HttpResponse<?> r, String header) {
        for (Optional<? extends HttpResponse<?>> p = Optional.of(r); p.isPresent(); p = p.get().previousResponse()) {
            Optional<String> v = p.get().headers().firstValue(header);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** The file's whole size as the server states it (X-Linked-Size, Content-Range's total, Content-Length), or -1. */
    private static long statedSize(HttpResponse<?> r, long have) {
        try {
            Optional<String> linked = stated(r, "X-Linked-Size");
            if (linked.isPresent()) {
                return Long.parseLong(linked.get().strip());
            }
            HttpHeaders h = r.headers();
            Optional<String> range = h.firstValue("Content-Range");
            if (range.isPresent() && range.get().contains("/") && !range.get().endsWith("/*")) {
                return Long.parseLong(range.get().substring(range.get().lastIndexOf('/') + 1).strip());
            }
            long length = h.firstValueAsLong("Content-Length").orElse(-1);
            return length < 0 ? -1 : length + (r.statusCode() == 206 ? have : 0);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Copies with a watchdog that aborts the transfer when no byte arrives for {@link #stallTimeout}. */
    private void copyWatched(InputStream in, OutputStream out, long start, long total, String name, VoiceInstaller.Progress progress)
            throws IOException {
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
            long limit = total >= 0 ? total : MAX_UNSTATED_BYTES;
            while ((n = in.read(buf)) >= 0) {
                if (done + n > limit) {
                    throw new TooLarge(total >= 0 ? "the server sent more than the " + total + " bytes stated for " + name
                            : name + " is larger than " + MAX_UNSTATED_BYTES + " bytes, the most taken without a stated size");
                }
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

    /** Null when {@code p} has the expected size and digests, else what is wrong. */
    private static String problem(Path p, Expected e, Optional<String> sha256) throws CatalogException {
        long size = size(p);
        if (e.size() >= 0 && size != e.size()) {
            return "size " + size + " bytes, expected " + e.size();
        }
        if (!e.md5().isEmpty()) {
            String md5 = digest(p, "MD5");
            if (!md5.equalsIgnoreCase(e.md5())) {
                return "MD5 " + md5 + ", the catalog says " + e.md5();
            }
        }
        if (sha256.isPresent()) {
            String sha = digest(p, "SHA-256");
            if (!sha.equals(sha256.get())) {
                return "SHA-256 " + sha + ", the server says " + sha256.get();
            }
        }
        return null;
    }

    static String digest(Path p, String algorithm) throws CatalogException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance(algorithm);
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

    CatalogException unreachable(String url, IOException e) {
        String why = e instanceof HttpTimeoutException ? "no answer within " + stallTimeout.toSeconds() + " s"
                : e instanceof ConnectException ? "connection refused or no network" : String.valueOf(e.getMessage());
        return new CatalogException("cannot reach " + url + " (" + why + "). Check the network, or point --base-url / SOTTO_VOICES_URL "
                + "at a mirror; nothing was installed", e);
    }

    static long size(Path p) {
        try {
            return Files.isRegularFile(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }

    static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
