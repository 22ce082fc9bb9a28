package dev.sotto.server;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** Counters and the time-to-first-byte histogram, written in the Prometheus text format. Thread-safe. */
final class Metrics {
    /** Upper bounds of the time-to-first-byte buckets, seconds. */
    static final double[] TTFB_BUCKETS = {0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10};

    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>(); // "endpoint|status"
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final DoubleAdder audioSeconds = new DoubleAdder();
    private final DoubleAdder synthesisSeconds = new DoubleAdder();
    private final AtomicLongArray ttfbBuckets = new AtomicLongArray(TTFB_BUCKETS.length);
    private final AtomicLong ttfbCount = new AtomicLong();
    private final DoubleAdder ttfbSum = new DoubleAdder();
    private final AtomicLong inFlight = new AtomicLong();

    void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "|" + status, k -> new AtomicLong()).incrementAndGet();
        if (status >= 400) {
            errors.incrementAndGet();
        }
        if (status == 503) {
            rejected.incrementAndGet();
        }
    }

    void disconnect() {
        disconnects.incrementAndGet();
    }

    void timeout() {
        timeouts.incrementAndGet();
    }

    void synthesized(double audio, double seconds) {
        audioSeconds.add(audio);
        synthesisSeconds.add(seconds);
    }

    void firstByte(double seconds) {
        for (int i = 0; i < TTFB_BUCKETS.length; i++) {
            if (seconds <= TTFB_BUCKETS[i]) {
                ttfbBuckets.incrementAndGet(i);
            }
        }
        ttfbCount.incrementAndGet();
        ttfbSum.add(seconds);
    }

    AtomicLong inFlight() {
        return inFlight;
    }

    String prometheus() {
        StringBuilder b = new StringBuilder();
        b.append("# HELP sotto_requests_total HTTP requests by endpoint and status.\n# TYPE sotto_requests_total counter\n");
        requests.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String[] k = e.getKey().split("\\|");
            b.append("sotto_requests_total{endpoint=\"").append(k[0]).append("\",status=\"").append(k[1]).append("\"} ")
                    .append(e.getValue().get()).append('\n');
        });
        counter(b, "sotto_errors_total", "Requests answered with a 4xx or 5xx status.", errors.get());
        counter(b, "sotto_rejected_total", "Requests refused with 503 because the queue was full.", rejected.get());
        counter(b, "sotto_client_disconnects_total", "Streams stopped because the client went away.", disconnects.get());
        counter(b, "sotto_timeouts_total", "Requests that reached the per-request time limit (stream cut short, or 504).", timeouts.get());
        b.append("# HELP sotto_audio_seconds_total Seconds of audio synthesized.\n# TYPE sotto_audio_seconds_total counter\n")
                .append("sotto_audio_seconds_total ").append(fmt(audioSeconds.sum())).append('\n');
        b.append("# HELP sotto_synthesis_seconds_total Wall-clock seconds spent synthesizing.\n# TYPE sotto_synthesis_seconds_total counter\n")
                .append("sotto_synthesis_seconds_total ").append(fmt(synthesisSeconds.sum())).append('\n');
        b.append("# HELP sotto_in_flight_requests Speech requests running or queued.\n# TYPE sotto_in_flight_requests gauge\n")
                .append("sotto_in_flight_requests ").append(inFlight.get()).append('\n');
        b.append("# HELP sotto_time_to_first_byte_seconds Time from a speech request's arrival to its first audio byte.\n")
                .append("# TYPE sotto_time_to_first_byte_seconds histogram\n");
        for (int i = 0; i < TTFB_BUCKETS.length; i++) {
            b.append("sotto_time_to_first_byte_seconds_bucket{le=\"").append(fmt(TTFB_BUCKETS[i])).append("\"} ").append(ttfbBuckets.get(i)).append('\n');
        }
        b.append("sotto_time_to_first_byte_seconds_bucket{le=\"+Inf\"} ").append(ttfbCount.get()).append('\n');
        b.append("sotto_time_to_first_byte_seconds_sum ").append(fmt(ttfbSum.sum())).append('\n');
        b.append("sotto_time_to_first_byte_seconds_count ").append(ttfbCount.get()).append('\n');
        jvm(b);
        return b.toString();
    }

    /** The JVM's memory and garbage collection, the figures an operator sizes the heap by. */
    private static void jvm(StringBuilder b) {
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        java.lang.management.MemoryUsage other = java.lang.management.ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        b.append("# HELP jvm_memory_used_bytes Memory in use, by area.\n# TYPE jvm_memory_used_bytes gauge\n")
                .append("jvm_memory_used_bytes{area=\"heap\"} ").append(heap.getUsed()).append('\n')
                .append("jvm_memory_used_bytes{area=\"nonheap\"} ").append(other.getUsed()).append('\n');
        b.append("# HELP jvm_memory_committed_bytes Memory the JVM holds from the system, by area.\n# TYPE jvm_memory_committed_bytes gauge\n")
                .append("jvm_memory_committed_bytes{area=\"heap\"} ").append(heap.getCommitted()).append('\n')
                .append("jvm_memory_committed_bytes{area=\"nonheap\"} ").append(other.getCommitted()).append('\n');
        b.append("# HELP jvm_memory_max_bytes The heap limit (-Xmx; -1 when none).\n# TYPE jvm_memory_max_bytes gauge\n")
                .append("jvm_memory_max_bytes{area=\"heap\"} ").append(heap.getMax()).append('\n');
        b.append("# HELP jvm_gc_collections_total Garbage collections, by collector.\n# TYPE jvm_gc_collections_total counter\n");
        StringBuilder seconds = new StringBuilder("# HELP jvm_gc_seconds_total Time spent collecting garbage, by collector.\n"
                + "# TYPE jvm_gc_seconds_total counter\n");
        for (java.lang.management.GarbageCollectorMXBean gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName().replaceAll("[^A-Za-z0-9 _-]", "");
            b.append("jvm_gc_collections_total{gc=\"").append(name).append("\"} ").append(Math.max(0, gc.getCollectionCount())).append('\n');
            seconds.append("jvm_gc_seconds_total{gc=\"").append(name).append("\"} ").append(fmt(Math.max(0, gc.getCollectionTime()) / 1000.0))
                    .append('\n');
        }
        b.append(seconds);
    }

    private static void counter(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append("\n# TYPE ").append(name).append(" counter\n")
                .append(name).append(' ').append(value).append('\n');
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
