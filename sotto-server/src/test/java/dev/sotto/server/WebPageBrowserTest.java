package dev.sotto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sotto.api.Voice;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web page in headless Chromium (Debian's {@code chromium}, driven over the DevTools protocol with the JDK's
 * WebSocket client: nothing is downloaded): the page lists the voices, and Play streams speech from the API and
 * schedules it for playback. Needs {@code chromium} installed (CI installs it); {@code -Dsotto.skipBrowser=true}
 * opts out explicitly.
 */
class WebPageBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void pageStreamsSpeechInHeadlessChromium() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("sotto.skipBrowser"),
                "the web page test needs headless Chromium; skipped on request (-Dsotto.skipBrowser=true)");
        Path chromium = findChromium();
        try (VoiceRegistry voices = new VoiceRegistry().add("tiny-voice", Voice.load(SpeechServerTest.tinyVoice(dir)));
             SpeechServer server = new SpeechServer(ServerConfig.defaults().withPort(0), voices).start()) {
            Process browser = new ProcessBuilder(chromium.toString(), "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                    "--disable-extensions", "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=0",
                    "--remote-allow-origins=*", "--user-data-dir=" + dir.resolve("profile"), "http://127.0.0.1:" + server.port() + "/")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (Cdp page = Cdp.connect(devToolsPort(browser))) {
                waitFor(page, "document.getElementById('voice') && document.getElementById('voice').options.length > 0", 20);
                assertEquals("tiny-voice", page.eval("document.getElementById('voice').value").asText());
                assertTrue(page.eval("document.getElementById('style').options.length").asInt() >= 7);
                page.eval("document.getElementById('text').value = 'Hello from the browser. Streaming works.'; "
                        + "document.getElementById('play').click(); true");
                waitFor(page, "window.sottoLast !== null && (window.sottoLast.done || window.sottoLast.error !== null)", 30);
                JsonNode state = JSON.readTree(page.eval("JSON.stringify(window.sottoLast)").asText());
                assertTrue(state.get("error").isNull(), "page error: " + state);
                assertTrue(state.get("done").asBoolean(), state.toString());
                assertTrue(state.get("bytes").asLong() > 10_000, state.toString());
                assertTrue(state.get("seconds").asDouble() > 0.2, state.toString());
                assertTrue(state.get("firstByteMs").asDouble() >= 0, state.toString());
                assertTrue(page.eval("document.getElementById('status').textContent").asText().startsWith("done:"));
                System.out.println("[browser] page played " + state);
            } finally {
                browser.destroy();
                if (!browser.waitFor(10, TimeUnit.SECONDS)) {
                    browser.destroyForcibly();
                }
            }
        }
    }

    private static Path findChromium() {
        for (String c : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (Files.isExecutable(Path.of(c))) {
                return Path.of(c);
            }
        }
        fail("headless Chromium is needed for the web page test: apt-get install chromium (or run with -Dsotto.skipBrowser=true)");
        return null;
    }

    /** The DevTools port, from the line Chromium prints on stderr when it listens. */
    private static int devToolsPort(Process browser) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(browser.getErrorStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String line;
        while (System.nanoTime() < deadline && (line = err.readLine()) != null) {
            int at = line.indexOf("DevTools listening on ws://");
            if (at >= 0) {
                String rest = line.substring(at + "DevTools listening on ws://".length());
                int colon = rest.indexOf(':');
                int slash = rest.indexOf('/');
                Thread.ofVirtual().start(() -> drain(err));
                return Integer.parseInt(rest.substring(colon + 1, slash));
            }
        }
        throw new IllegalStateException("Chromium did not start its DevTools endpoint");
    }

    private static void drain(BufferedReader r) {
        try {
            while (r.readLine() != null) {
                // keep the pipe empty
            }
        } catch (IOException ignored) {
            // the browser exited
        }
    }

    private static void waitFor(Cdp page, String condition, int seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode v = page.eval("!!(" + condition + ")");
            if (v.asBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("timed out waiting for " + condition + "; status: " + page.eval("document.getElementById('status') ? "
                + "document.getElementById('status').textContent : document.readyState").asText());
    }

    /** A minimal DevTools-protocol client for one page: Runtime.evaluate over a WebSocket. */
    private static final class Cdp implements AutoCloseable, WebSocket.Listener {
        private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket socket;

        static Cdp connect(int port) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            JsonNode targets = null;
            for (int i = 0; i < 50; i++) {
                targets = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        BodyHandlers.ofString()).body());
                if (targets.isArray() && targets.size() > 0) {
                    break;
                }
                Thread.sleep(100);
            }
            String url = null;
            for (JsonNode t : targets) {
                if (t.get("type").asText().equals("page")) {
                    url = t.get("webSocketDebuggerUrl").asText();
                }
            }
            Cdp c = new Cdp();
            c.socket = http.newWebSocketBuilder().buildAsync(URI.create(url), c).get(10, TimeUnit.SECONDS);
            return c;
        }

        JsonNode eval(String expression) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonNode> f = new CompletableFuture<>();
            pending.put(id, f);
            String msg = JSON.createObjectNode().put("id", id).put("method", "Runtime.evaluate")
                    .set("params", JSON.createObjectNode().put("expression", expression).put("returnByValue", true).put("awaitPromise", true))
                    .toString();
            socket.sendText(msg, true).get(10, TimeUnit.SECONDS);
            JsonNode r = f.get(20, TimeUnit.SECONDS);
            JsonNode result = r.path("result");
            if (result.has("exceptionDetails")) {
                throw new IllegalStateException("page script failed: " + result.get("exceptionDetails"));
            }
            return result.path("result").path("value");
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(partial.toString());
                    if (m.has("id")) {
                        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                        if (f != null) {
                            f.complete(m);
                        }
                    }
                } catch (IOException e) {
                    pending.values().forEach(f -> f.completeExceptionally(e));
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
