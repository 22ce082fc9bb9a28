package dev.sotto.api;

import dev.sotto.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * Rendered speech of frequent phrases, keyed by voice, text and options: an in-memory LRU bounded in bytes, and
 * optionally a directory on disk bounded in bytes too (oldest files evicted). Disk entries are written
 * atomically and carry a checksum; a damaged or foreign file is ignored (and removed), never trusted.
 * Thread-safe.
 */
public final class PhraseCache {
    private static final int MAGIC = 0x534F5043; // "SOPC"
    private static final int VERSION = 1;

    private final long memoryBytes;
    private final Path directory;
    private final long diskBytes;
    private final LinkedHashMap<String, List<AudioChunk>> memory = new LinkedHashMap<>(16, 0.75f, true);
    private long memoryUsed;
    private long hits;
    private long misses;

    /**
     * @param memoryBytes most bytes of audio kept in memory (0 for none)
     * @param directory disk cache directory, or null for memory only
     * @param diskBytes most bytes kept on disk
     */
    public PhraseCache(long memoryBytes, Path directory, long diskBytes) {
        if (memoryBytes < 0 || diskBytes < 0) {
            throw new IllegalArgumentException("cache sizes must not be negative");
        }
        this.memoryBytes = memoryBytes;
        this.directory = directory;
        this.diskBytes = diskBytes;
    }

    /** A memory-only cache of at most {@code bytes}. */
    public static PhraseCache inMemory(long bytes) {
        return new PhraseCache(bytes, null, 0);
    }

    /** The key of a phrase: SHA-256 of the voice's identity, the text and every option that changes the audio. */
    static String key(String voiceDigest, String text, SynthesisOptions o) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            String k = voiceDigest + '\u0000' + text + '\u0000' + o.identity();
            return HexFormat.of().formatHex(md.digest(k.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The cached chunks, or null. */
    synchronized List<AudioChunk> get(String key) {
        List<AudioChunk> chunks = memory.get(key);
        if (chunks == null && directory != null) {
            chunks = readDisk(key);
            if (chunks != null) {
                remember(key, chunks);
            }
        }
        if (chunks == null) {
            misses++;
        } else {
            hits++;
        }
        return chunks;
    }

    synchronized void put(String key, List<AudioChunk> chunks) {
        remember(key, chunks);
        if (directory != null) {
            try {
                writeDisk(key, chunks);
            } catch (IOException e) {
                // A cache that cannot write is only slower; the audio itself was delivered.
            }
        }
    }

    /** Bytes of samples above which a phrase is never kept (it fits neither in memory nor on disk). */
    long largestEntryBytes() {
        return Math.max(memoryBytes, directory == null ? 0 : diskBytes);
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    private void remember(String key, List<AudioChunk> chunks) {
        long size = bytes(chunks);
        if (size > memoryBytes) {
            return;
        }
        List<AudioChunk> old = memory.put(key, chunks);
        memoryUsed += size - (old == null ? 0 : bytes(old));
        var it = memory.entrySet().iterator();
        while (memoryUsed > memoryBytes && it.hasNext()) {
            Map.Entry<String, List<AudioChunk>> eldest = it.next();
            memoryUsed -= bytes(eldest.getValue());
            it.remove();
        }
    }

    private static long bytes(List<AudioChunk> chunks) {
        long n = 0;
        for (AudioChunk c : chunks) {
            n += 4L * c.samples().length + 64L * (c.phonemeTimings().size() + c.wordTimings().size()) + 256;
        }
        return n;
    }

    // ---------------------------------------------------------------- disk

    private Path file(String key) {
        return directory.resolve(key + ".sotto-phrase");
    }

    private void writeDisk(String key, List<AudioChunk> chunks) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(key);
        out.writeInt(chunks.size());
        for (AudioChunk c : chunks) {
            out.writeInt(c.sampleRate());
            out.writeInt(c.index());
            out.writeInt(c.sentence());
            writeLong(out, c.text());
            writeLong(out, c.phonemes());
            writeTimings(out, c.phonemeTimings());
            writeTimings(out, c.wordTimings());
            out.writeInt(c.silenceSamples());
            out.writeInt(c.samples().length);
            for (float v : c.samples()) {
                out.writeFloat(v);
            }
        }
        CRC32 crc = new CRC32();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        byte[] content = bytes.toByteArray();
        if (content.length > diskBytes) {
            return;
        }
        Files.createDirectories(directory);
        AtomicFiles.write(file(key), tmp -> Files.write(tmp, content));
        evictDisk();
    }

    private static void writeLong(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readLong(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IOException("bad string length");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void writeTimings(DataOutputStream out, List<Timing> timings) throws IOException {
        out.writeInt(timings.size());
        for (Timing t : timings) {
            writeLong(out, t.label());
            out.writeInt(t.start());
            out.writeInt(t.end());
        }
    }

    private static List<Timing> readTimings(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IOException("bad timing count");
        }
        List<Timing> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Timing(readLong(in, 1 << 16), in.readInt(), in.readInt()));
        }
        return out;
    }

    /** The entry for {@code key} from disk, or null if absent, damaged or not ours (then it is removed). */
    private List<AudioChunk> readDisk(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            byte[] all = Files.readAllBytes(f);
            if (all.length < 16) {
                throw new IOException("truncated");
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            long stored = java.nio.ByteBuffer.wrap(all, all.length - 8, 8).getLong();
            if (stored != crc.getValue()) {
                throw new IOException("checksum mismatch");
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8));
            if (in.readInt() != MAGIC || in.readInt() != VERSION || !in.readUTF().equals(key)) {
                throw new IOException("not this entry");
            }
            int count = in.readInt();
            if (count < 0 || count > 1 << 20) {
                throw new IOException("bad chunk count");
            }
            int maxSamples = all.length / 4;
            List<AudioChunk> chunks = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int rate = in.readInt();
                int index = in.readInt();
                int sentence = in.readInt();
                String text = readLong(in, all.length);
                String phonemes = readLong(in, all.length);
                List<Timing> ph = readTimings(in, all.length);
                List<Timing> words = readTimings(in, all.length);
                int silence = in.readInt();
                int n = in.readInt();
                if (n < 0 || n > maxSamples || rate <= 0) {
                    throw new IOException("bad sample count");
                }
                float[] samples = new float[n];
                for (int j = 0; j < n; j++) {
                    samples[j] = in.readFloat();
                }
                chunks.add(new AudioChunk(samples, rate, index, sentence, text, phonemes, ph, words, silence));
            }
            f.toFile().setLastModified(System.currentTimeMillis()); // recently used: evicted last
            return chunks;
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // unreadable and undeletable: it will be skipped again next time
            }
            return null;
        }
    }

    /** Removes the least recently used entries until the directory fits its budget. */
    private void evictDisk() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(directory)) {
            files = new ArrayList<>(s.filter(p -> p.getFileName().toString().endsWith(".sotto-phrase")).toList());
        }
        files.sort((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()));
        long total = 0;
        for (Path p : files) {
            total += Files.size(p);
        }
        for (Path p : files) {
            if (total <= diskBytes) {
                break;
            }
            total -= Files.size(p);
            Files.deleteIfExists(p);
        }
    }
}
