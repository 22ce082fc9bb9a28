package dev.sotto.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded load test of a running {@code sotto serve} over loopback: first one client alone (the unloaded
 * latency), then N clients for the given seconds, each sending speech requests (pcm) back to back and reading
 * every stream to the end. Stops by itself. Prints, per phase: requests, statuses, throughput, audio seconds
 * delivered, p50/p99 time to first byte and total latency. Only 200 and 503 are acceptable statuses; anything
 * else, or a stream that ends early, counts as an error.
 *
 * <p>Usage: {@code ServerLoadTest BASE_URL [CLIENTS=16] [SECONDS=30] [VOICE=default]}
 */
public final class ServerLoadTest {
    private static final String[] TEXTS = {
        "Your meeting with the design team starts in five minutes.",
        "Turn left at the next intersection, then continue for two hundred meters.",
        "The package was delivered to the front door at three fifteen.",
        "It is currently eighteen degrees and sunny, with light winds from the west.",
        "You have three new messages and one missed call.",
        "Battery level is low. Please connect your charger.",
    };

    private record Outcome(int status, double ttfbMs, double totalMs, long bytes, boolean complete) {
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:8880";
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        String voice = args.length > 3 ? args[3] : "alloy";
        if (clients < 1 || clients > 256 || seconds < 1 || seconds > 600) {
            throw new IllegalArgumentException("clients must be 1..256 and seconds 1..600");
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 3; i++) {
            one(http, base, voice, i); // warm-up (JIT, phonemizer)
        }
        report("unloaded (1 client, " + Math.max(5, seconds / 3) + " s)", run(http, base, voice, 1, Math.max(5, seconds / 3)), Math.max(5, seconds / 3));
        report("load (" + clients + " clients, " + seconds + " s)", run(http, base, voice, clients, seconds), seconds);
    }

    private static List<Outcome> run(HttpClient http, String base, String voice, int clients, int seconds) throws InterruptedException {
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong counter = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    Outcome o = one(http, base, voice, (int) counter.getAndIncrement());
                    outcomes.add(o);
                    if (o.status() == 503) {
                        sleep(200); // a well-behaved client backs off (Retry-After says 1 s; 200 ms keeps the pressure on)
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return outcomes;
    }

    private static Outcome one(HttpClient http, String base, String voice, int n) {
        String body = "{\"model\":\"tts-1\",\"voice\":\"" + voice + "\",\"response_format\":\"pcm\",\"input\":\"" + TEXTS[n % TEXTS.length] + "\"}";
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/audio/speech"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            double ttfb = Double.NaN;
            long bytes = 0;
            try (InputStream in = r.body()) {
                byte[] buf = new byte[16384];
                int k;
                while ((k = in.read(buf)) >= 0) {
                    if (bytes == 0 && k > 0) {
                        ttfb = (System.nanoTime() - t0) / 1e6;
                    }
                    bytes += k;
                }
            }
            return new Outcome(r.statusCode(), ttfb, (System.nanoTime() - t0) / 1e6, bytes, true);
        } catch (IOException | InterruptedException e) {
            return new Outcome(-1, Double.NaN, (System.nanoTime() - t0) / 1e6, 0, false);
        }
    }

    private static void report(String phase, List<Outcome> all, int seconds) {
        ConcurrentHashMap<Integer, Integer> statuses = new ConcurrentHashMap<>();
        all.forEach(o -> statuses.merge(o.status(), 1, Integer::sum));
        List<Outcome> ok = all.stream().filter(o -> o.status() == 200 && o.complete() && o.bytes() > 0).toList();
        long errors = all.stream().filter(o -> o.status() != 200 && o.status() != 503 || o.status() == 200 && (!o.complete() || o.bytes() == 0)).count();
        double audio = ok.stream().mapToLong(Outcome::bytes).sum() / 2.0 / 24000;
        System.out.printf(Locale.ROOT, "%s: %d requests, statuses %s, errors %d (other than 503), %.2f ok req/s, %.1f s of audio (%.2f x real time)%n",
                phase, all.size(), statuses, errors, ok.size() / (double) seconds, audio, audio / seconds);
        System.out.printf(Locale.ROOT, "  time to first byte ms: p50 %.0f, p99 %.0f; total ms: p50 %.0f, p99 %.0f%n",
                pct(ok, true, 50), pct(ok, true, 99), pct(ok, false, 50), pct(ok, false, 99));
    }

    private static double pct(List<Outcome> ok, boolean ttfb, double p) {
        double[] v = ok.stream().mapToDouble(o -> ttfb ? o.ttfbMs() : o.totalMs()).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v[(int) Math.min(v.length - 1, Math.ceil(p / 100 * v.length) - 1)];
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
