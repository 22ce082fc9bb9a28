package dev.sotto.cli;

import dev.sotto.api.Speakers;
import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import dev.sotto.catalog.VoiceHome;
import dev.sotto.codec.OutputFormat;
import dev.sotto.io.AtomicFiles;
import dev.sotto.io.JsonText;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import javax.sound.sampled.SourceDataLine;

/**
 * Lets a fresh {@code sotto say} hand its sentence to a {@code sotto serve} already running on this machine with the
 * same voice, whose kernels are compiled and warm: a new JVM spends seconds running vector code before the JIT
 * has compiled it, a warm server a fraction of that. A running server announces itself in a small file under the
 * sotto home ({@code servers/PID.json}: its loopback URL, whether it needs a key, and the voice files it serves by
 * name), removed when it stops; files of processes that are gone are ignored. The server's answer is written to the
 * file, copied to stdout or played as it streams. Anything that does not work out before the first byte of audio
 * (no server, another voice, an error answer, a refused connection) leaves {@code say} to speak in its own process.
 * This path stays off Jackson and {@code java.net.http}, whose class loading alone would cost a cold JVM 0.5 s.
 */
final class LocalServers {
    /** The say options a server request carries; with any other, say speaks in its own process. */
    static final Set<String> FORWARDED_OPTIONS = Set.of("--model", "--output", "--format", "--speed", "--pitch", "--emotion", "--ssml",
            "--offline", "--raw", "--keep-warm");

    private static final String LOOPBACK = "http://127.0.0.1:";

    /** What a server request carries of a say: the text and the controls the server takes alike. */
    record Speech(String text, float speed, float pitch, String style, boolean ssml) {
        /** The request's JSON body, for {@code voice} in {@code format}. */
        String json(String voice, OutputFormat format, boolean streaming) {
            return "{\"model\":\"tts-1\",\"input\":" + JsonText.quote(text) + ",\"voice\":" + JsonText.quote(voice)
                    + ",\"response_format\":" + JsonText.quote(format.id()) + ",\"speed\":" + speed + ",\"pitch\":" + pitch
                    + ",\"emotion\":" + JsonText.quote(style) + ",\"ssml\":" + ssml + ",\"streaming\":" + streaming + "}";
        }
    }

    /** A running server that serves the voice: its loopback port, the voice's name there, whether it needs a key. */
    record Found(int port, String voice, boolean keyRequired) {
        String url() {
            return LOOPBACK + port;
        }
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
        StringJoiner served = new StringJoiner(",", "{", "}");
        for (Map.Entry<String, Path> e : voices.entrySet()) {
            served.add(JsonText.quote(e.getKey()) + ":" + JsonText.quote(e.getValue().toRealPath().toString()));
        }
        String json = "{\"url\":" + JsonText.quote(LOOPBACK + port) + ",\"pid\":" + ProcessHandle.current().pid() + ",\"key_required\":"
                + keyRequired + ",\"voices\":" + served + "}";
        Path dir = directory();
        Files.createDirectories(dir);
        Path file = dir.resolve(ProcessHandle.current().pid() + ".json");
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
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
            if (Files.size(file) > 1 << 20
                    || !(JsonText.parse(Files.readString(file)) instanceof Map<?, ?> n)
                    || !(n.get("url") instanceof String url) || !url.startsWith(LOOPBACK)
                    || !(n.get("pid") instanceof String pid) || !(n.get("voices") instanceof Map<?, ?> voices)) {
                return null;
            }
            int port = Integer.parseInt(url.substring(LOOPBACK.length()));
            if (port <= 0 || port > 65535 || !alive(Long.parseLong(pid))) {
                return null;
            }
            for (Map.Entry<?, ?> e : voices.entrySet()) {
                if (wanted.equals(e.getValue())) {
                    return new Found(port, (String) e.getKey(), !Boolean.FALSE.equals(n.get("key_required")));
                }
            }
        } catch (IOException | JsonText.JsonException | RuntimeException e) {
            // a half-written or foreign file: not a server to use
        }
        return null;
    }

    /** True when process {@code pid} is running (an announcement or marker of one that is gone is stale). */
    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Asks {@code server} to speak {@code speech} in {@code format} (in small first pieces when {@code streaming}, else
     * in as few as it can); the answer's body streams as it is made. Null when
     * the server cannot be used (a key it needs is not in the environment, no connection, an error status), nothing
     * spoken yet: speak locally then.
     */
    static LoopbackHttp.Response request(Found server, Speech speech, OutputFormat format, boolean streaming) {
        String key = System.getenv("SOTTO_API_KEY");
        if (server.keyRequired() && (key == null || key.isBlank())) {
            return null;
        }
        String body = speech.json(server.voice(), format, streaming);
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "application/json");
        if (server.keyRequired()) {
            headers.put("Authorization", "Bearer " + key.strip());
        }
        try {
            LoopbackHttp.Response response = LoopbackHttp.post(server.port(), "/v1/audio/speech", headers,
                    body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(1), Duration.ofMinutes(10));
            if (response.status() != 200) {
                response.close();
                return null; // speaking locally gives the same refusal with the CLI's own message, or works
            }
            return response;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Has {@code server} speak {@code speech} into {@code output} (atomically) in {@code format}; true when it did. A
     * streamed WAV gets its real sizes written into the header afterwards.
     */
    static boolean speakToFile(Found server, Speech speech, OutputFormat format, Path output) {
        try (LoopbackHttp.Response response = request(server, speech, format, false)) {
            if (response == null) {
                return false;
            }
            AtomicFiles.write(output, tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    response.body().transferTo(out);
                }
                if (format == OutputFormat.WAV) {
                    completeWavHeader(tmp);
                }
            });
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // nothing written: the file appears complete or not at all
        }
    }

    /** Copies a streamed answer to {@code out} as it arrives, flushing after each read (a pipe hears speech early). */
    static void copyAsItComes(InputStream in, OutputStream out) throws IOException {
        byte[] b = new byte[1 << 14];
        for (int n; (n = in.read(b)) > 0; ) {
            out.write(b, 0, n);
            out.flush();
        }
    }

    /** Reads the 44-byte header of a streamed 16-bit mono WAV; returns its sample rate. */
    static int readStreamedWavHeader(InputStream in) throws IOException {
        byte[] h = in.readNBytes(44);
        if (h.length < 44) {
            throw new EOFException("the answer ended inside its WAV header");
        }
        ByteBuffer b = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        String riff = new String(h, 0, 4, StandardCharsets.ISO_8859_1) + new String(h, 8, 8, StandardCharsets.ISO_8859_1)
                + new String(h, 36, 4, StandardCharsets.ISO_8859_1);
        int rate = b.getInt(24);
        if (!riff.equals("RIFFWAVEfmt data") || b.getShort(20) != 1 || b.getShort(22) != 1 || b.getShort(34) != 16 || rate <= 0) {
            throw new IOException("the answer is not 16-bit mono PCM WAV");
        }
        return rate;
    }

    /** Plays a streamed 16-bit mono WAV as it arrives; no audio output is a {@link SottoCli.UserError}. */
    static void play(InputStream in) throws IOException {
        int rate = readStreamedWavHeader(in);
        SourceDataLine line;
        try {
            line = Speakers.open(rate);
        } catch (IOException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
        try {
            byte[] b = new byte[1 << 14];
            int held = 0; // a byte of a sample whose other byte has not come yet
            for (int n; (n = in.read(b, held, b.length - held)) > 0; ) {
                int whole = (held + n) & ~1;
                line.write(b, 0, whole);
                held = held + n - whole;
                if (held == 1) {
                    b[0] = b[whole];
                }
            }
            line.drain();
        } finally {
            line.close();
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
