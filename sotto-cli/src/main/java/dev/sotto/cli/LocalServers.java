package dev.sotto.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import dev.sotto.catalog.VoiceHome;
import dev.sotto.codec.OutputFormat;
import dev.sotto.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Lets a fresh {@code sotto say} hand its sentence to a {@code sotto serve} already running on this machine with the
 * same voice, whose kernels are compiled and warm: a new JVM spends seconds running vector code before the JIT
 * has compiled it, a warm server a fraction of that. A running server announces itself in a small file under the
 * sotto home ({@code servers/PID.json}: its loopback URL, whether it needs a key, and the voice files it serves by
 * name), removed when it stops; files of processes that are gone are ignored. Anything that does not work out (no
 * server, another voice, an error answer, a refused connection) leaves {@code say} to speak in its own process.
 */
final class LocalServers {
    /** The say options a server request carries; with any other, say speaks in its own process. */
    static final Set<String> FORWARDED_OPTIONS = Set.of("--model", "--output", "--format", "--speed", "--offline");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A running server that serves the voice: its base URL, the voice's name there, whether it needs a key. */
    record Found(String url, String voice, boolean keyRequired) {
    }

    private LocalServers() {
    }

    static Path directory() {
        return VoiceHome.fromEnvironment().root().resolve("servers");
    }

    /**
     * Announces a server of this process listening on loopback {@code port}, serving {@code voices} (name -> file);
     * returns the file to remove when it stops.
     */
    static Path announce(int port, Map<String, Path> voices, boolean keyRequired) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("url", "http://127.0.0.1:" + port);
        n.put("pid", ProcessHandle.current().pid());
        n.put("key_required", keyRequired);
        ObjectNode v = n.putObject("voices");
        for (Map.Entry<String, Path> e : voices.entrySet()) {
            v.put(e.getKey(), e.getValue().toRealPath().toString());
        }
        Path dir = directory();
        Files.createDirectories(dir);
        Path file = dir.resolve(ProcessHandle.current().pid() + ".json");
        byte[] bytes = JSON.writeValueAsBytes(n);
        AtomicFiles.write(file, tmp -> Files.write(tmp, bytes));
        return file;
    }

    /** A live server that serves {@code voiceFile}, or null. */
    static Found find(Path voiceFile) {
        Path dir = directory();
        if (voiceFile == null || !Files.isDirectory(dir)) {
            return null;
        }
        String wanted;
        try {
            wanted = voiceFile.toRealPath().toString();
        } catch (IOException e) {
            return null;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                Found found = match(f, wanted);
                if (found != null) {
                    return found;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable directory: speak locally
        }
        return null;
    }

    private static Found match(Path file, String wanted) {
        try {
            if (Files.size(file) > 1 << 20) {
                return null;
            }
            JsonNode n = JSON.readTree(file.toFile());
            long pid = n.path("pid").asLong(-1);
            String url = n.path("url").asText("");
            if (!url.startsWith("http://127.0.0.1:") || !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return null;
            }
            for (Map.Entry<String, JsonNode> e : n.path("voices").properties()) {
                if (wanted.equals(e.getValue().asText())) {
                    return new Found(url, e.getKey(), n.path("key_required").asBoolean(true));
                }
            }
        } catch (IOException | RuntimeException e) {
            // a half-written or foreign file: not a server to use
        }
        return null;
    }

    /**
     * Asks {@code server} to speak {@code text} into {@code output} (atomically) in {@code format}; true when it
     * did. A streamed WAV gets its real sizes written into the header afterwards.
     */
    static boolean speak(Found server, String text, float speed, OutputFormat format, Path output) {
        String key = System.getenv("SOTTO_API_KEY");
        if (server.keyRequired() && (key == null || key.isBlank())) {
            return false;
        }
        try {
            ObjectNode body = JSON.createObjectNode();
            body.put("model", "tts-1");
            body.put("input", text);
            body.put("voice", server.voice());
            body.put("response_format", format.id());
            body.put("speed", speed);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + "/v1/audio/speech"))
                    .timeout(Duration.ofMinutes(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            if (server.keyRequired()) {
                request.header("Authorization", "Bearer " + key);
            }
            try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
                HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = response.body()) {
                    if (response.statusCode() != 200) {
                        return false; // speaking locally gives the same refusal with the CLI's own message, or works
                    }
                    AtomicFiles.write(output, tmp -> {
                        try (OutputStream out = Files.newOutputStream(tmp)) {
                            in.transferTo(out);
                        }
                        if (format == OutputFormat.WAV) {
                            completeWavHeader(tmp);
                        }
                    });
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Seconds of 16-bit mono audio in a WAV file with a 44-byte header. */
    static double wavSeconds(Path wav) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(wav.toFile(), "r")) {
            byte[] h = new byte[44];
            f.readFully(h);
            int rate = ByteBuffer.wrap(h, 24, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            return rate <= 0 ? 0 : (f.length() - 44) / 2.0 / rate;
        }
    }

    /**
     * Rewrites the streamed 16-bit WAV header (sizes 0xFFFFFFFF, the streaming placeholder) with the file's real
     * sizes, as a file written in-process has them.
     */
    private static void completeWavHeader(Path wav) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(wav.toFile(), "rw")) {
            byte[] h = new byte[44];
            f.readFully(h);
            if (h[36] != 'd' || h[37] != 'a' || h[38] != 't' || h[39] != 'a') {
                return; // not the 44-byte header sotto streams: left as it came
            }
            int rate = ByteBuffer.wrap(h, 24, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            byte[] header;
            try {
                header = Wav.header(rate, SampleFormat.S16, (f.length() - 44) / 2);
            } catch (IllegalArgumentException tooLong) {
                return; // longer than WAV sizes can say: the placeholders stay
            }
            f.seek(0);
            f.write(header);
        }
    }
}
