package dev.sotto.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Writes whole responses: bytes, JSON, and errors in OpenAI's JSON error shape. */
final class Responses {
    private final ObjectMapper json;

    Responses(ObjectMapper json) {
        this.json = json;
    }

    int sendJson(HttpExchange ex, int status, JsonNode body) {
        return send(ex, status, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static int send(HttpExchange ex, int status, String type, byte[] body) {
        try {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = ex.getRequestMethod().equals("HEAD"); // the headers of a GET, no body (the JDK wants -1 here)
            ex.sendResponseHeaders(status, body.length == 0 || head ? -1 : body.length);
            if (body.length > 0 && !head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return status;
    }

    void sendError(HttpExchange ex, ApiException e) {
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
            ex.getResponseHeaders().set("Allow", ex.getRequestURI().getRawPath().equals("/v1/audio/speech") ? "POST" : "GET, HEAD");
        }
        try {
            sendJson(ex, e.status, root);
        } catch (UncheckedIOException | IllegalStateException ignored) {
            // headers already sent or the client is gone: nothing more to say
        }
    }
}
