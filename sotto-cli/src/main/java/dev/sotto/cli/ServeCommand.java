package dev.sotto.cli;

import dev.sotto.api.Voice;
import dev.sotto.server.ServerConfig;
import dev.sotto.server.SpeechServer;
import dev.sotto.server.VoiceRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the local speech server until interrupted (Ctrl-C drains running requests, then exits). */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve speech over HTTP: OpenAI-compatible /v1/audio/speech, /v1/voices, /health, /metrics and a web page at /.")
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "address to bind (default: ${DEFAULT-VALUE}, this machine only)")
    String host;

    @Option(names = "--port", defaultValue = "8880", description = "port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    int port;

    @Option(names = {"-m", "--model"}, paramLabel = "VOICE", description = "a .gguf or Piper .onnx voice, served under its file name"
            + " without the extension, or an installed voice's name; repeatable; the first is the default (without -m and"
            + " --voices-dir: every installed voice)")
    List<Path> models = new ArrayList<>();

    @Option(names = "--voices-dir", paramLabel = "DIR", description = "serve every .gguf voice in DIR as well")
    Path voicesDir;

    @Option(names = "--api-key", paramLabel = "KEY", description = "require Authorization: Bearer KEY (also read from SOTTO_API_KEY)")
    String apiKey;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "let web pages from ORIGIN (e.g. http://localhost:3000, or *)"
            + " call the API from a browser; repeatable")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--cache-mb", defaultValue = "64", description = "memory for replaying repeated requests (default: ${DEFAULT-VALUE}; 0 for none)")
    long cacheMb;

    @Option(names = "--max-concurrent", description = "syntheses at once (default: cores, at least 2)")
    Integer maxConcurrent;

    @Option(names = "--max-queue", description = "requests waiting beyond those; more get 503 (default: 4x max-concurrent)")
    Integer maxQueue;

    @Option(names = "--max-input-chars", defaultValue = "4096", description = "longest input (default: ${DEFAULT-VALUE})")
    int maxInputChars;

    @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "per-request limit (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(names = "--warm-up", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "synthesize a short sentence with each local voice before listening, so that the first request is as"
                    + " fast as later ones (default: on; --no-warm-up listens at once)")
    boolean warmUp;

    /** The longest --idle-exit (and keep-warm time): a week, in minutes. */
    static final double MAX_IDLE_EXIT_MINUTES = 7 * 24 * 60;

    @Option(names = "--idle-exit", paramLabel = "MINUTES", description = "stop after MINUTES without a speech request (default: never;"
            + " `say --keep-warm` starts servers with it)")
    Double idleExitMinutes;

    @Override
    public Integer call() throws Exception {
        if (idleExitMinutes != null && !(idleExitMinutes > 0 && idleExitMinutes <= MAX_IDLE_EXIT_MINUTES)) {
            throw new SottoCli.UserError("--idle-exit must be more than 0 and at most a week of minutes (" + (long) MAX_IDLE_EXIT_MINUTES + "), not "
                    + idleExitMinutes);
        }
        ServerConfig d = ServerConfig.defaults();
        String key = apiKey != null ? apiKey : System.getenv("SOTTO_API_KEY");
        if (key != null && key.isBlank()) {
            // Usually --api-key "$KEY" with KEY unset: serving without authentication would be a silent surprise.
            throw new SottoCli.UserError((apiKey != null ? "--api-key" : "SOTTO_API_KEY") + " is empty; give a key, or leave it out to serve"
                    + " without authentication");
        }
        ServerConfig config;
        try {
            int concurrent = maxConcurrent != null ? maxConcurrent : d.maxConcurrent();
            config = d.withHost(host).withPort(port).withApiKey(key)
                    .withLimits(concurrent, maxQueue != null ? maxQueue : 4 * concurrent, maxInputChars)
                    .withTimeouts(Duration.ofSeconds(timeoutSeconds), d.queueWait()).withCorsOrigins(corsOrigins)
                    .withCacheBytes(Math.max(0, Math.min(cacheMb, 1L << 20)) << 20);
        } catch (IllegalArgumentException e) {
            throw new SottoCli.UserError(e.getMessage());
        }
        VoiceRegistry voices = new VoiceRegistry();
        Map<String, Path> files = new LinkedHashMap<>(); // name -> voice file, for the announcement
        try {
            for (Path m : models) {
                Path file = Voices.resolve(m);
                voices.add(nameOf(m), load(file));
                files.put(nameOf(m), file);
            }
            if (voicesDir != null) {
                if (!Files.isDirectory(voicesDir)) {
                    throw new SottoCli.UserError("--voices-dir " + voicesDir + " is not a directory");
                }
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(voicesDir, "*.gguf")) {
                    for (Path m : dir) {
                        voices.add(nameOf(m), load(m));
                        files.put(nameOf(m), m);
                    }
                }
            }
            if (voices.isEmpty()) {
                dev.sotto.catalog.VoiceHome home = dev.sotto.catalog.VoiceHome.fromEnvironment();
                for (String name : home.installedNames()) {
                    voices.add(name, load(home.voicePath(name))); // the installed voices under their catalog names
                    files.put(name, home.voicePath(name));
                }
            }
            if (voices.isEmpty()) {
                throw new SottoCli.UserError("no voices to serve: pass -m VOICE.gguf (or a Piper .onnx) or --voices-dir DIR, or install one"
                        + " with: sotto voices download " + Voices.DEFAULT_VOICE);
            }
        } catch (IllegalArgumentException e) {
            voices.close();
            throw new SottoCli.UserError(e.getMessage());
        } catch (RuntimeException | IOException e) {
            voices.close();
            throw e;
        }
        if (warmUp) {
            voices.warmUp(Duration.ofSeconds(30), 6); // before listening: /health answers only when requests are fast
        }
        SpeechServer server = new SpeechServer(config, voices);
        try {
            server.start();
        } catch (IOException e) {
            voices.close();
            throw new SottoCli.UserError("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("sotto serving %s on http://%s:%d/ (OpenAI base URL http://%s:%d/v1)%s%n", String.join(", ", voices.names()), host,
                server.port(), host, server.port(), config.apiKey() != null ? ", API key required" : "");
        out.flush();
        // Announced for `sotto say` on this machine (see LocalServers); a server that cannot write the file still serves.
        Path announcement = null;
        try {
            announcement = LocalServers.announce(server.port(), files, config.apiKey() != null);
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("sotto: cannot announce the server to `sotto say` (" + e.getMessage() + "); serving anyway");
        }
        Path announced = announcement;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (announced != null) {
                try {
                    Files.deleteIfExists(announced);
                } catch (IOException e) {
                    // a stale announcement is ignored once this process is gone
                }
            }
            server.stop(Duration.ofSeconds(30));
            voices.close();
            stopped.countDown();
        }, "sotto-shutdown"));
        if (idleExitMinutes != null) {
            Duration limit = Duration.ofMillis(Math.round(idleExitMinutes * 60_000));
            watchIdle(server::idleNanos, limit, () -> {
                out.printf("sotto: no speech request for %s min: stopping%n", idleExitMinutes);
                out.flush();
                System.exit(0); // the shutdown hook above drains and removes the announcement
            });
        }
        stopped.await();
        return 0;
    }

    /**
     * Runs {@code stop} once, on a daemon thread of its own, when {@code idleNanos} (0 while busy) reaches {@code
     * limit}; looks a few times per limit, at most every 5 s.
     */
    static Thread watchIdle(LongSupplier idleNanos, Duration limit, Runnable stop) {
        long every = Math.max(10, Math.min(5_000, limit.toMillis() / 4));
        return Thread.ofPlatform().daemon().name("sotto-idle-exit").start(() -> {
            try {
                while (idleNanos.getAsLong() < limit.toNanos()) {
                    Thread.sleep(every);
                }
                stop.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static Voice load(Path m) throws IOException {
        if (!Files.isRegularFile(m)) {
            throw new SottoCli.UserError("voice file " + m + " does not exist");
        }
        return Voices.open(m, null);
    }

    /** {@code voices/en_US-lessac-medium.gguf} -> {@code en_US-lessac-medium}. */
    static String nameOf(Path m) {
        return m.getFileName().toString().replaceFirst("\\.(gguf|onnx)$", "");
    }
}
