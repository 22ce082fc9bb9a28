package dev.sotto.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sotto.api.PhraseCache;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local speech server on the JDK's HTTP server: OpenAI's {@code POST /v1/audio/speech} (streamed, chunked;
 * {@link SpeechEndpoint}), {@code GET /v1/models} and {@code GET /v1/voices} ({@link Listings}),
 * {@code GET /v1/audio/timings/ID}, {@code GET /health}, {@code GET /metrics} and a small web page at {@code /}.
 * This class starts and stops it and routes requests; errors use OpenAI's JSON error shape ({@link Responses}) and
 * nothing internal (no stack trace) leaves the server. Browsers on the configured origins may call /v1
 * ({@link AccessControl}); others are same-origin only.
 */
public final class SpeechServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SpeechServer.class.getName());

    static {
        // The JDK server's protections against slow or oversized requests, read once when its classes load:
        // a request (headers and body) must arrive within 10 s (the JDK reads this property in seconds); at most 100
        // header fields and 64 KiB of headers.
        setDefault("sun.net.httpserver.maxReqTime", "10");
        setDefault("sun.net.httpserver.maxReqHeaders", "100");
        setDefault("sun.net.httpserver.maxReqHeaderSize", "65536");
        setDefault("sun.net.httpserver.idleInterval", "30");
        // Open connections, idle ones included: as many as the process's file descriptors allow, less a margin for
        // the voices and logs, so that a crowd of idle clients does not lock out new ones long before the system would.
        setDefault("jdk.httpserver.maxConnections", String.valueOf(maxConnections()));
    }

    /** Connections the server may hold open: the descriptor limit less 256, between 256 and 65,536. */
    static int maxConnections() {
        long fds = java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u
                ? u.getMaxFileDescriptorCount() : 4096;
        return (int) Math.max(256, Math.min(65_536, fds - 256));
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private final ServerConfig config;
    private final VoiceRegistry voices;
    private final Metrics metrics = new Metrics();
    private final Responses responses;
    private final AccessControl access;
    private final SpeechEndpoint speech;
    private final Listings listings;
    private final byte[] page;
    private final PhraseCache cache; // null without one
    private HttpServer server;
    private ExecutorService executor;
    private volatile boolean draining;
    private final AtomicInteger speaking = new AtomicInteger(); // speech requests running, for idleNanos
    private volatile long lastSpeechEnded = System.nanoTime();

    public SpeechServer(ServerConfig config, VoiceRegistry voices) {
        if (voices.isEmpty()) {
            throw new IllegalArgumentException("the server needs at least one voice");
        }
        this.config = config;
        this.voices = voices;
        this.cache = config.cacheBytes() > 0 ? PhraseCache.inMemory(config.cacheBytes()) : null;
        if (cache != null) {
            voices.useCache(cache);
        }
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
                .maxStringLength(config.maxBodyBytes()).maxNumberLength(64).build()).build();
        ObjectMapper json = new ObjectMapper(factory);
        this.responses = new Responses(json);
        this.access = new AccessControl(config.apiKey(), config.corsOrigins());
        this.speech = new SpeechEndpoint(config, voices, metrics, json);
        this.listings = new Listings(json, voices);
        try (InputStream in = SpeechServer.class.getResourceAsStream("index.html")) {
            this.page = in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the web page is missing from the server's resources", e);
        }
    }

    /** Binds and starts serving. */
    public SpeechServer start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 128);
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("sotto-http-", 0).factory());
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /**
     * Nanoseconds since the last speech request ended (or since this server was made, before any), 0 while one runs:
     * what an idle exit ({@code sotto serve --idle-exit}) watches. Other requests (health checks, listings) do not count.
     */
    public long idleNanos() {
        return speaking.get() > 0 ? 0 : Math.max(0, System.nanoTime() - lastSpeechEnded);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops taking requests (new ones get 503 while the listener closes) and waits up to {@code drain} for the
     * running ones to finish.
     */
    public void stop(Duration drain) {
        draining = true;
        if (server != null) {
            // Wait for the requests this server is running (not for connections the JDK still counts after cutting
            // off a slow client), then close at once.
            long deadline = System.nanoTime() + drain.toNanos();
            while (metrics.inFlight().get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            server.stop(0);
            executor.shutdown();
            try {
                executor.awaitTermination(Math.max(1, drain.toSeconds()), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    // ---------------------------------------------------------------- routing

    private void handle(HttpExchange ex) {
        String path = ex.getRequestURI().getRawPath();
        String endpoint = path.startsWith("/v1/audio/timings/") ? "/v1/audio/timings" : path;
        boolean speech = endpoint.equals("/v1/audio/speech");
        if (speech) {
            speaking.incrementAndGet();
        }
        int status;
        try {
            status = route(ex, path);
        } catch (ApiException e) {
            status = e.status;
            responses.sendError(ex, e);
        } catch (UncheckedIOException e) {
            status = 499; // the client went away while we answered
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "internal error on " + path, e);
            status = 500;
            responses.sendError(ex, new ApiException(500, "server_error", "internal error; the server log has the details", null, null));
        } finally {
            ex.close();
            if (speech) {
                lastSpeechEnded = System.nanoTime();
                speaking.decrementAndGet();
            }
        }
        metrics.request(knownEndpoint(endpoint), status);
    }

    private static String knownEndpoint(String e) {
        return switch (e) {
            case "/", "/health", "/metrics", "/v1/models", "/v1/voices", "/v1/audio/speech", "/v1/audio/timings" -> e;
            default -> "other";
        };
    }

    private int route(HttpExchange ex, String path) throws ApiException {
        String method = ex.getRequestMethod();
        boolean allowedOrigin = access.cors(ex);
        if (method.equals("OPTIONS") && path.startsWith("/v1/")) {
            if (ex.getRequestHeaders().getFirst("Origin") == null) {
                // Not a browser's preflight: say what the endpoint takes.
                ex.getResponseHeaders().set("Allow", path.equals("/v1/audio/speech") ? "POST, OPTIONS" : "GET, HEAD, OPTIONS");
                return Responses.send(ex, 204, "text/plain", new byte[0]);
            }
            if (!allowedOrigin) {
                throw new ApiException(403, "invalid_request_error", "cross-origin requests from this origin are not allowed (see --cors-origin)",
                        null, "cors_forbidden");
            }
            return AccessControl.preflight(ex);
        }
        if (path.startsWith("/v1/") || path.equals("/metrics")) {
            access.authorize(ex);
        }
        switch (path) {
            case "/" -> {
                requireMethod(method, "GET");
                return Responses.send(ex, 200, "text/html; charset=utf-8", page);
            }
            case "/health" -> {
                requireMethod(method, "GET");
                return responses.sendJson(ex, 200, new ObjectMapper().createObjectNode().put("status", draining ? "draining" : "ok")
                        .put("voices", voices.names().size()));
            }
            case "/metrics" -> {
                requireMethod(method, "GET");
                return Responses.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metricsText().getBytes(StandardCharsets.UTF_8));
            }
            case "/v1/models" -> {
                requireMethod(method, "GET");
                return responses.sendJson(ex, 200, listings.models());
            }
            case "/v1/voices" -> {
                requireMethod(method, "GET");
                return responses.sendJson(ex, 200, listings.voices());
            }
            case "/v1/audio/speech" -> {
                requireMethod(method, "POST");
                return speech.handle(ex, draining);
            }
            default -> {
                if (path.startsWith("/v1/audio/timings/")) {
                    requireMethod(method, "GET");
                    String t = speech.timings(path.substring("/v1/audio/timings/".length()));
                    if (t == null) {
                        throw new ApiException(404, "invalid_request_error", "no timings under that id (they are kept for the last "
                                + SpeechEndpoint.TIMINGS_KEPT + " requests, once their audio has been sent)", null, "not_found");
                    }
                    return Responses.send(ex, 200, "application/json", SpeechEndpoint.bytes(t));
                }
                throw new ApiException(404, "invalid_request_error", "no such endpoint: " + SpeechRequest.printable(path), null, "not_found");
            }
        }
    }

    private String metricsText() {
        return metrics.prometheus() + (cache == null ? "" : "# HELP sotto_phrase_cache_hits_total Requests replayed from the phrase cache.\n"
                + "# TYPE sotto_phrase_cache_hits_total counter\nsotto_phrase_cache_hits_total " + cache.hits() + "\n"
                + "# HELP sotto_phrase_cache_misses_total Requests synthesized afresh with the cache on.\n"
                + "# TYPE sotto_phrase_cache_misses_total counter\nsotto_phrase_cache_misses_total " + cache.misses() + "\n");
    }

    private static void requireMethod(String method, String allowed) throws ApiException {
        if (!method.equals(allowed) && !(method.equals("HEAD") && allowed.equals("GET"))) {
            throw new ApiException(405, "invalid_request_error", "method " + SpeechRequest.printable(method) + " is not allowed here; use "
                    + allowed, null, "method_not_allowed");
        }
    }
}
