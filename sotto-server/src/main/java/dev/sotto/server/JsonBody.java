package dev.sotto.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads a request body as JSON within the limits: declared and actual size, strict UTF-8, the parser's depth limit. */
final class JsonBody {
    private final ObjectMapper json;
    private final int maxBytes;

    JsonBody(ObjectMapper json, int maxBytes) {
        this.json = json;
        this.maxBytes = maxBytes;
    }

    JsonNode read(HttpExchange ex) throws ApiException {
        String length = ex.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long n;
            try {
                n = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number", null);
            }
            if (n > maxBytes) {
                throw new ApiException(413, "invalid_request_error", "request body of " + n + " bytes is larger than " + maxBytes,
                        null, "body_too_large");
            }
        }
        byte[] bytes;
        try (InputStream in = ex.getRequestBody()) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage(), null);
        }
        if (bytes.length > maxBytes) {
            throw new ApiException(413, "invalid_request_error", "request body is larger than " + maxBytes + " bytes", null,
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
            // Strict: one JSON value and nothing after it, no key given twice (which value would count?).
            return json.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage();
            throw ApiException.badRequest("the request body is not valid JSON: " + SpeechRequest.printable(why == null ? "" : why.split("\n")[0]),
                    null);
        }
    }
}
