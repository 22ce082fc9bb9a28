package dev.sotto.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.onnx.testing.PiperFixtures;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhraseCacheTest {
    @TempDir
    static Path dir;

    private static Voice voice;
    private static final SynthesisOptions OPTIONS = SynthesisOptions.builder().phonemizer("java").seed(1).build();

    @BeforeAll
    static void load() throws IOException {
        voice = Voice.load(PiperFixtures.gguf("tiny-r2", GgmlType.F32, dir.resolve("tiny2.gguf")));
    }

    @AfterAll
    static void close() {
        voice.close();
    }

    @Test
    void memoryHitsReplayTheSameAudioQuickly() {
        PhraseCache cache = PhraseCache.inMemory(64 << 20);
        voice.useCache(cache);
        try {
            float[] first = voice.synthesize("Good morning. Welcome back!", OPTIONS).readAll();
            assertEquals(1, cache.misses());
            long t0 = System.nanoTime();
            float[] again = voice.synthesize("Good morning. Welcome back!", OPTIONS).readAll();
            long hitNanos = System.nanoTime() - t0;
            assertEquals(1, cache.hits());
            assertArrayEquals(first, again);
            System.out.printf("[cache] memory hit returned %d samples in %.3f ms%n", again.length, hitNanos / 1e6);
            voice.synthesize("Good morning. Welcome back!", OPTIONS.toBuilder().seed(2).build()).readAll();
            assertEquals(2, cache.misses(), "other options, other entry");
            // A stream abandoned half way is not stored.
            var it = voice.synthesize("Not read to the end. At all.", OPTIONS).iterator();
            it.next();
            voice.synthesize("Not read to the end. At all.", OPTIONS).readAll();
            assertEquals(4, cache.misses());
        } finally {
            voice.useCache(null);
        }
    }

    @Test
    void diskEntriesSurviveAndDamageIsIgnored() throws IOException {
        Path disk = dir.resolve("phrases");
        PhraseCache one = new PhraseCache(0, disk, 64 << 20);
        voice.useCache(one);
        float[] first = voice.synthesize("Stored on disk.", OPTIONS).readAll();
        PhraseCache two = new PhraseCache(64 << 20, disk, 64 << 20); // a new process, the same directory
        voice.useCache(two);
        float[] again = voice.synthesize("Stored on disk.", OPTIONS).readAll();
        assertEquals(1, two.hits());
        assertArrayEquals(first, again);
        // Damage the file: it is ignored, removed, and the phrase is synthesized again.
        Path file;
        try (Stream<Path> s = Files.list(disk)) {
            file = s.filter(p -> p.toString().endsWith(".sotto-phrase")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(file, bytes);
        PhraseCache three = new PhraseCache(64 << 20, disk, 64 << 20);
        voice.useCache(three);
        assertNull(three.get("0".repeat(64)));
        float[] rebuilt = voice.synthesize("Stored on disk.", OPTIONS).readAll();
        assertEquals(0, three.hits());
        assertArrayEquals(first, rebuilt);
        voice.useCache(null);
    }

    @Test
    void diskBudgetEvictsOldestAndPrewarmFills() throws IOException {
        Path disk = dir.resolve("small");
        PhraseCache cache = new PhraseCache(0, disk, 300_000);
        voice.useCache(cache);
        try {
            voice.prewarm(List.of("One.", "Two.", "Three.", "Four.", "Five."), OPTIONS);
            long total;
            try (Stream<Path> s = Files.list(disk)) {
                total = s.mapToLong(p -> p.toFile().length()).sum();
            }
            assertTrue(total <= 300_000, "disk cache over budget: " + total);
        } finally {
            voice.useCache(null);
        }
        assertThrows(IllegalStateException.class, () -> voice.prewarm(List.of("x"), OPTIONS));
    }
}
