package dev.sotto.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How the speech server runs.
 *
 * @param host address to bind; loopback by default, so nothing outside the machine can reach it unless asked
 * @param port TCP port (0 picks a free one)
 * @param apiKey when non-null, /v1 and /metrics need {@code Authorization: Bearer KEY}
 * @param maxConcurrent syntheses running at once
 * @param maxQueue requests allowed to wait for a slot; beyond that the server answers 503 with Retry-After
 * @param maxInputChars longest {@code input} accepted (OpenAI's limit is 4096)
 * @param maxBodyBytes largest request body read
 * @param requestTimeout longest a request may take from arrival to the last byte of audio
 * @param queueWait longest a request waits for a slot before a 503
 * @param corsOrigins web origins (e.g. {@code http://localhost:3000}, or {@code *}) whose pages may call the API
 *     from a browser; empty for none (same-origin only, the default)
 * @param cacheBytes memory for the phrase cache shared by the voices (repeated requests are replayed); 0 for none
 */
public record ServerConfig(String host, int port, String apiKey, int maxConcurrent, int maxQueue, int maxInputChars, int maxBodyBytes,
                           Duration requestTimeout, Duration queueWait, java.util.List<String> corsOrigins, long cacheBytes) {
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key must not be blank");
        }
        if (maxConcurrent < 1 || maxConcurrent > 1024 || maxQueue < 0 || maxQueue > 100_000) {
            throw new IllegalArgumentException("max concurrent must be 1..1024 and the queue 0..100000");
        }
        if (maxInputChars < 1 || maxInputChars > 1_000_000) {
            throw new IllegalArgumentException("max input chars must be 1..1000000, got " + maxInputChars);
        }
        if (maxBodyBytes < 1024 || maxBodyBytes > 64 << 20) {
            throw new IllegalArgumentException("max body bytes must be 1 KiB..64 MiB, got " + maxBodyBytes);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero() || queueWait.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("the cache size must not be negative");
        }
        corsOrigins = java.util.List.copyOf(corsOrigins);
        for (String o : corsOrigins) {
            if (!o.equals("*") && !o.matches("https?://[A-Za-z0-9.-]+(:\\d{1,5})?")) {
                throw new IllegalArgumentException("a CORS origin is * or scheme://host[:port], not '" + o + "'");
            }
        }
    }

    /** Loopback, port 8880, no key, as many concurrent syntheses as cores (at least 2), a queue of 4x that, no CORS,
     * a 64 MiB phrase cache. */
    public static ServerConfig defaults() {
        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
        return new ServerConfig("127.0.0.1", 8880, null, cores, 4 * cores, 4096, 1 << 20, Duration.ofMinutes(2), Duration.ofSeconds(30),
                java.util.List.of(), 64L << 20);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, apiKey, maxConcurrent, maxQueue, maxInputChars, maxBodyBytes, requestTimeout, queueWait, corsOrigins, cacheBytes);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, apiKey, maxConcurrent, maxQueue, maxInputChars, maxBodyBytes, requestTimeout, queueWait, corsOrigins, cacheBytes);
    }

    public ServerConfig withApiKey(String key) {
        return new ServerConfig(host, port, key, maxConcurrent, maxQueue, maxInputChars, maxBodyBytes, requestTimeout, queueWait, corsOrigins, cacheBytes);
    }

    public ServerConfig withLimits(int concurrent, int queue, int inputChars) {
        return new ServerConfig(host, port, apiKey, concurrent, queue, inputChars, maxBodyBytes, requestTimeout, queueWait, corsOrigins, cacheBytes);
    }

    /** A phrase cache of {@code bytes} (0 for none). */
    public ServerConfig withCacheBytes(long bytes) {
        return new ServerConfig(host, port, apiKey, maxConcurrent, maxQueue, maxInputChars, maxBodyBytes, requestTimeout, queueWait, corsOrigins,
                bytes);
    }

    /** Browsers on these origins may call the API (CORS). */
    public ServerConfig withCorsOrigins(java.util.List<String> origins) {
        return new ServerConfig(host, port, apiKey, maxConcurrent, maxQueue, maxInputChars, maxBodyBytes, requestTimeout, queueWait, origins, cacheBytes);
    }

    public ServerConfig withTimeouts(Duration request, Duration queue) {
        return new ServerConfig(host, port, apiKey, maxConcurrent, maxQueue, maxInputChars, maxBodyBytes, request, queue, corsOrigins, cacheBytes);
    }
}
