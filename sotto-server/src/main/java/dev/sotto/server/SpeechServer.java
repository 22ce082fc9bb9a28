package dev.sotto.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sotto.api.AudioChunk;
import dev.sotto.api.PhraseCache;
import dev.sotto.api.SpeakingStyle;
import dev.sotto.api.SpeechStream;
import dev.sotto.api.Timing;
import dev.sotto.api.Voice;
import dev.sotto.text.PhonemizerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The local speech server on the JDK's HTTP server: OpenAI's {@code POST /v1/audio/speech} (streamed, chunked),
 * {@code GET /v1/models}, {@code GET /v1/voices}, {@code GET /v1/audio/timings/ID}, {@code GET /health},
 * {@code GET /metrics} and a small web page at {@code /}. Errors use OpenAI's JSON error shape; nothing internal
 * (no stack trace) leaves the server. Requests beyond the running and queued limit get 503 with Retry-After.
 * Browsers on the configured origins may call /v1 (CORS, with preflight); others are same-origin only.
 */
public final class SpeechServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SpeechServer.class.getName());
    /** Most timing sidecars kept (oldest dropped). */
    private static final int TIMINGS_KEPT = 256;

    static {
        // The JDK server's protections against slow or oversized requests, read once when its classes load:
        // a request (headers and body) must arrive within 10 s (the JDK reads this property in seconds); at most 100
        // header fields and 64 KiB of headers.
        setDefault("sun.net.httpserver.maxReqTime", "10");
        setDefault("sun.net.httpserver.maxReqHeaders", "100");
        setDefault("sun.net.httpserver.maxReqHeaderSize", "65536");
        setDefault("sun.net.httpserver.idleInterval", "30");
        setDefault("jdk.httpserver.maxConnections", "1024");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private final ServerConfig config;
    private final VoiceRegistry voices;
    private final ObjectMapper json;
    private final Metrics metrics = new Metrics();
    private final Semaphore slots;
    private final AtomicInteger admitted = new AtomicInteger();
    private final Map<String, String> timings = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > TIMINGS_KEPT;
        }
    };
    private final byte[] page;
    private final PhraseCache cache; // null without one
    private HttpServer server;
    private ExecutorService executor;
    private volatile boolean draining;

    public SpeechServer(ServerConfig config, VoiceRegistry voices) {
        if (voices.isEmpty()) {
            throw new IllegalArgumentException("the server needs at least one voice");
        }
        this.config = config;
        this.voices = voices;
        this.slots = new Semaphore(config.maxConcurrent(), true);
        this.cache = config.cacheBytes() > 0 ? PhraseCache.inMemory(config.cacheBytes()) : null;
        if (cache != null) {
            voices.all().values().forEach(v -> v.useCache(cache)); // keys hold each voice's digest: one cache serves all
        }
        JsonFactory factory = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
                .maxStringLength(config.maxBodyBytes()).maxNumberLength(64).build()).build();
        this.json = new ObjectMapper(factory);
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
            server.stop((int) Math.max(0, Math.min(Integer.MAX_VALUE, drain.toSeconds())));
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
        int status;
        try {
            status = route(ex, path);
        } catch (ApiException e) {
            status = e.status;
            sendError(ex, e);
        } catch (UncheckedIOException e) {
            status = 499; // the client went away while we answered
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "internal error on " + path, e);
            status = 500;
            sendError(ex, new ApiException(500, "server_error", "internal error; the server log has the details", null, null));
        } finally {
            ex.close();
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
        boolean allowedOrigin = cors(ex);
        if (method.equals("OPTIONS") && path.startsWith("/v1/")) {
            if (!allowedOrigin) {
                throw new ApiException(403, "invalid_request_error", "cross-origin requests from this origin are not allowed (see --cors-origin)",
                        null, "cors_forbidden");
            }
            ex.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            ex.getResponseHeaders().set("Access-Control-Allow-Headers", "Authorization, Content-Type");
            ex.getResponseHeaders().set("Access-Control-Max-Age", "600");
            return send(ex, 204, "text/plain", new byte[0]);
        }
        if (path.startsWith("/v1/") || path.equals("/metrics")) {
            authorize(ex);
        }
        switch (path) {
            case "/" -> {
                requireMethod(method, "GET");
                return send(ex, 200, "text/html; charset=utf-8", page);
            }
            case "/health" -> {
                requireMethod(method, "GET");
                return sendJson(ex, 200, json.createObjectNode().put("status", draining ? "draining" : "ok").put("voices", voices.names().size()));
            }
            case "/metrics" -> {
                requireMethod(method, "GET");
                String text = metrics.prometheus() + (cache == null ? "" : "# HELP sotto_phrase_cache_hits_total Requests replayed from the phrase cache.\n"
                        + "# TYPE sotto_phrase_cache_hits_total counter\nsotto_phrase_cache_hits_total " + cache.hits() + "\n"
                        + "# HELP sotto_phrase_cache_misses_total Requests synthesized afresh with the cache on.\n"
                        + "# TYPE sotto_phrase_cache_misses_total counter\nsotto_phrase_cache_misses_total " + cache.misses() + "\n");
                return send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
            }
            case "/v1/models" -> {
                requireMethod(method, "GET");
                return sendJson(ex, 200, models());
            }
            case "/v1/voices" -> {
                requireMethod(method, "GET");
                return sendJson(ex, 200, voiceList());
            }
            case "/v1/audio/speech" -> {
                requireMethod(method, "POST");
                return speech(ex);
            }
            default -> {
                if (path.startsWith("/v1/audio/timings/")) {
                    requireMethod(method, "GET");
                    String id = path.substring("/v1/audio/timings/".length());
                    String t;
                    synchronized (timings) {
                        t = timings.get(id);
                    }
                    if (t == null) {
                        throw new ApiException(404, "invalid_request_error", "no timings under that id (they are kept for the last "
                                + TIMINGS_KEPT + " requests, once their audio has been sent)", null, "not_found");
                    }
                    return send(ex, 200, "application/json", t.getBytes(StandardCharsets.UTF_8));
                }
                throw new ApiException(404, "invalid_request_error", "no such endpoint: " + SpeechRequest.printable(path), null, "not_found");
            }
        }
    }

    /**
     * Adds the CORS headers when the request's Origin is one the configuration allows; returns whether it is. A
     * browser enforces the rest: without these headers, pages of other origins cannot read the responses.
     */
    private boolean cors(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null || config.corsOrigins().isEmpty()) {
            return false;
        }
        boolean any = config.corsOrigins().contains("*");
        if (!any && !config.corsOrigins().contains(origin)) {
            return false;
        }
        ex.getResponseHeaders().set("Access-Control-Allow-Origin", any ? "*" : origin);
        ex.getResponseHeaders().set("Access-Control-Expose-Headers", "X-Sotto-Timings, X-Sotto-Sample-Rate, Retry-After");
        ex.getResponseHeaders().add("Vary", "Origin");
        return true;
    }

    private void authorize(HttpExchange ex) throws ApiException {
        if (config.apiKey() == null) {
            return;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, config.apiKey().getBytes(StandardCharsets.UTF_8))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "invalid_request_error", "missing or wrong API key: send Authorization: Bearer <key>", null,
                    "invalid_api_key");
        }
    }

    private static void requireMethod(String method, String allowed) throws ApiException {
        if (!method.equals(allowed)) {
            throw new ApiException(405, "invalid_request_error", "method " + SpeechRequest.printable(method) + " is not allowed here; use "
                    + allowed, null, "method_not_allowed");
        }
    }

    // ---------------------------------------------------------------- speech

    private int speech(HttpExchange ex) throws ApiException {
        long arrived = System.nanoTime();
        if (draining) {
            ex.getResponseHeaders().set("Retry-After", "5");
            throw new ApiException(503, "server_error", "the server is shutting down", null, "shutting_down");
        }
        JsonNode body = readJson(ex);
        SpeechRequest req = SpeechRequest.parse(body, voices, config.maxInputChars());
        if (admitted.incrementAndGet() > config.maxConcurrent() + config.maxQueue()) {
            admitted.decrementAndGet();
            ex.getResponseHeaders().set("Retry-After", "1");
            throw new ApiException(503, "server_error", "the server is busy (" + config.maxConcurrent() + " running, " + config.maxQueue()
                    + " waiting); retry shortly", null, "overloaded");
        }
        metrics.inFlight().incrementAndGet();
        try {
            if (!slots.tryAcquire(config.queueWait().toMillis(), TimeUnit.MILLISECONDS)) {
                ex.getResponseHeaders().set("Retry-After", "1");
                throw new ApiException(503, "server_error", "no synthesis slot became free in " + config.queueWait().toSeconds() + " s", null,
                        "overloaded");
            }
            try {
                return stream(ex, req, arrived);
            } finally {
                slots.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "server_error", "interrupted", null, null);
        } finally {
            admitted.decrementAndGet();
            metrics.inFlight().decrementAndGet();
        }
    }

    /**
     * Synthesizes and streams. The first chunk is made before the status line goes out, so that a failure there
     * is still a proper error response; later failures can only cut the stream short.
     */
    private int stream(HttpExchange ex, SpeechRequest req, long arrived) throws ApiException {
        Voice voice = voices.get(req.voiceName());
        long deadline = arrived + config.requestTimeout().toNanos();
        long started = System.nanoTime();
        double audioSeconds = 0;
        ObjectNode sidecar = req.timings() ? json.createObjectNode() : null;
        ArrayNode words = sidecar != null ? sidecar.putArray("words") : null;
        ArrayNode sentences = sidecar != null ? sidecar.putArray("sentences") : null;
        SpeechStream speech;
        try {
            speech = voice.synthesize(req.input(), req.options());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw ApiException.badRequest(e.getMessage(), null); // bad SSML, speaker out of range, ...
        }
        try (speech) {
            Iterator<AudioChunk> chunks = speech.iterator();
            AudioChunk first;
            try {
                first = chunks.hasNext() ? chunks.next() : null;
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage(), "input"); // e.g. text the voice has no phonemes for
            } catch (PhonemizerException e) {
                throw new ApiException(500, "server_error", e.getMessage(), null, "phonemizer_unavailable");
            }
            if (System.nanoTime() > deadline) {
                metrics.timeout();
                throw new ApiException(504, "server_error", "the request took longer than " + config.requestTimeout().toMillis()
                        + " ms before its first audio", null, "timeout");
            }
            AudioEncoder encoder = AudioEncoder.forFormat(req.format(), voice.sampleRate());
            ex.getResponseHeaders().set("Content-Type", AudioEncoder.contentType(req.format()));
            ex.getResponseHeaders().set("X-Sotto-Sample-Rate", String.valueOf(req.format().equals("pcm") ? AudioEncoder.PCM_RATE : voice.sampleRate()));
            String timingsId = null;
            if (sidecar != null) {
                timingsId = UUID.randomUUID().toString();
                ex.getResponseHeaders().set("X-Sotto-Timings", "/v1/audio/timings/" + timingsId);
            }
            OutputStream out = ex.getResponseBody();
            try {
                ex.sendResponseHeaders(200, 0); // chunked
                encoder.begin(out);
                double offset = 0;
                int lastSentence = -1;
                for (AudioChunk c = first; c != null; c = chunks.hasNext() ? chunks.next() : null) { // hasNext() synthesizes
                    encoder.write(out, c.samples());
                    out.flush();
                    if (c == first) {
                        metrics.firstByte((System.nanoTime() - arrived) / 1e9);
                    }
                    if (sidecar != null) {
                        lastSentence = record(c, offset, words, sentences, lastSentence);
                    }
                    offset += c.seconds();
                    audioSeconds = offset;
                    if (System.nanoTime() > deadline) {
                        // Checked before synthesizing more: a stream cut short is all a started response can say.
                        metrics.timeout();
                        LOG.warning("request reached its " + config.requestTimeout().toMillis() + " ms limit; stream cut short");
                        break;
                    }
                }
                encoder.finish(out);
                out.close();
            } catch (IOException e) {
                metrics.disconnect(); // the client went away: stop synthesizing
                return 499;
            }
            if (sidecar != null) {
                sidecar.put("audio_seconds", audioSeconds);
                synchronized (timings) {
                    timings.put(timingsId, sidecar.toString());
                }
            }
            return 200;
        } finally {
            metrics.synthesized(audioSeconds, (System.nanoTime() - started) / 1e9);
        }
    }

    /** Adds a chunk's words (and a sentence entry when one starts) to the timings sidecar, times in seconds. */
    private static int record(AudioChunk c, double offset, ArrayNode words, ArrayNode sentences, int lastSentence) {
        if (c.text().isEmpty()) {
            return lastSentence; // an SSML pause
        }
        if (c.sentence() != lastSentence) {
            sentences.addObject().put("index", c.sentence()).put("text", c.text()).put("start", offset);
        }
        for (Timing w : c.wordTimings()) {
            words.addObject().put("word", w.label()).put("start", offset + w.startSeconds(c.sampleRate()))
                    .put("end", offset + w.endSeconds(c.sampleRate()));
        }
        return c.sentence();
    }

    private JsonNode readJson(HttpExchange ex) throws ApiException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number", null);
            }
            if (n > config.maxBodyBytes()) {
                throw new ApiException(413, "invalid_request_error", "request body of " + n + " bytes is larger than " + config.maxBodyBytes(),
                        null, "body_too_large");
            }
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(config.maxBodyBytes() + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage(), null);
        }
        if (bytes.length > config.maxBodyBytes()) {
            throw new ApiException(413, "invalid_request_error", "request body is larger than " + config.maxBodyBytes() + " bytes", null,
                    "body_too_large");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.badRequest("the request body is not valid UTF-8", null);
        }
        if (text.isBlank()) {
            throw ApiException.badRequest("the request body is empty; send a JSON object", null);
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            throw ApiException.badRequest("the request body is not valid JSON: " + SpeechRequest.printable(why == null ? "" : why.split("\n")[0]),
                    null);
        }
    }

    // ---------------------------------------------------------------- listings

    private ObjectNode models() {
        ObjectNode root = json.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (String m : SpeechRequest.MODELS.stream().sorted().toList()) {
            data.addObject().put("id", m).put("object", "model").put("created", 0).put("owned_by", "sotto");
        }
        return root;
    }

    private ObjectNode voiceList() {
        ObjectNode root = json.createObjectNode();
        ArrayNode list = root.putArray("voices");
        for (Map.Entry<String, Voice> e : voices.all().entrySet()) {
            Voice v = e.getValue();
            ObjectNode o = list.addObject().put("name", e.getKey()).put("language", v.language()).put("sample_rate", v.sampleRate())
                    .put("default", e.getKey().equals(voices.defaultName()));
            ArrayNode speakers = o.putArray("speakers");
            for (int i = 0; i < v.speakerCount(); i++) {
                String name = i < v.speakerNames().size() ? v.speakerNames().get(i) : "";
                speakers.addObject().put("id", i).put("name", name);
            }
        }
        ArrayNode styles = root.putArray("styles");
        SpeakingStyle.PRESETS.forEach(s -> styles.add(s.name()));
        ArrayNode formats = root.putArray("response_formats");
        AudioEncoder.FORMATS.forEach(formats::add);
        return root;
    }

    // ---------------------------------------------------------------- responses

    private int sendJson(HttpExchange ex, int status, JsonNode body) {
        return send(ex, status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static int send(HttpExchange ex, int status, String type, byte[] body) {
        try {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return status;
    }

    private void sendError(HttpExchange ex, ApiException e) {
        ObjectNode root = json.createObjectNode();
        ObjectNode err = root.putObject("error");
        err.put("message", e.getMessage()).put("type", e.type);
        if (e.param == null) {
            err.putNull("param");
        } else {
            err.put("param", e.param);
        }
        if (e.code == null) {
            err.putNull("code");
        } else {
            err.put("code", e.code);
        }
        if (e.status == 405) {
            ex.getResponseHeaders().set("Allow", ex.getRequestURI().getRawPath().equals("/v1/audio/speech") ? "POST" : "GET");
        }
        try {
            sendJson(ex, e.status, root);
        } catch (UncheckedIOException | IllegalStateException ignored) {
            // headers already sent or the client is gone: nothing more to say
        }
    }
}
