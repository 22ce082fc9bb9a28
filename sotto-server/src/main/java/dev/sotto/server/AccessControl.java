package dev.sotto.server;

import com.sun.net.httpserver.HttpExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/** Who may call: the API key (constant-time compare) and the web origins allowed to call from a browser (CORS). */
final class AccessControl {
    private final String apiKey;
    private final List<String> corsOrigins;

    AccessControl(String apiKey, List<String> corsOrigins) {
        this.apiKey = apiKey;
        this.corsOrigins = List.copyOf(corsOrigins);
    }

    /**
     * Adds the CORS headers when the request's Origin is one the configuration allows; returns whether it is. A
     * browser enforces the rest: without these headers, pages of other origins cannot read the responses.
     */
    boolean cors(HttpExchange ex) {
        String origin = ex.getRequestHeaders().getFirst("Origin");
        if (origin == null || corsOrigins.isEmpty()) {
            return false;
        }
        boolean any = corsOrigins.contains("*");
        if (!any && !corsOrigins.contains(origin)) {
            return false;
        }
        ex.getResponseHeaders().set("Access-Control-Allow-Origin", any ? "*" : origin);
        ex.getResponseHeaders().set("Access-Control-Expose-Headers", "X-Sotto-Timings, X-Sotto-Sample-Rate, Retry-After");
        ex.getResponseHeaders().add("Vary", "Origin");
        return true;
    }

    /** Answers a CORS preflight (the origin already checked). */
    static int preflight(HttpExchange ex) {
        ex.getResponseHeaders().set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        ex.getResponseHeaders().set("Access-Control-Allow-Headers", "Authorization, Content-Type");
        ex.getResponseHeaders().set("Access-Control-Max-Age", "600");
        return Responses.send(ex, 204, "text/plain", new byte[0]);
    }

    void authorize(HttpExchange ex) throws ApiException {
        if (apiKey == null) {
            return;
        }
        String h = ex.getRequestHeaders().getFirst("Authorization");
        // The scheme name is case-insensitive (RFC 9110, 11.1): "bearer KEY" is as good as "Bearer KEY".
        boolean bearer = h != null && h.length() > 7 && h.regionMatches(true, 0, "Bearer ", 0, 7);
        byte[] given = bearer ? h.substring(7).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, apiKey.getBytes(StandardCharsets.UTF_8))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "invalid_request_error", "missing or wrong API key: send Authorization: Bearer <key>", null,
                    "invalid_api_key");
        }
    }
}
