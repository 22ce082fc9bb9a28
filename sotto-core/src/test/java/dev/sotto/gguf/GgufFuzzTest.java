package dev.sotto.gguf;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property tests: whatever bytes arrive, the reader either returns a file or throws {@link GgufFormatException};
 * never another exception, an out-of-memory error (the surefire JVM has a 2 GB heap while hostile counts claim
 * terabytes), or a hang (each parse must finish within a generous guard time).
 */
class GgufFuzzTest {
    private static final Duration GUARD = Duration.ofSeconds(10);

    /** Hostile values planted in 8-byte fields: huge, negative, just past limits. */
    private static final long[] HOSTILE = {
            -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, 1L << 31, (1L << 31) - 1, 1L << 40, 1L << 62, 0, 1, 7, 33,
    };

    private static void parseOnlyFailsCleanly(byte[] bytes) {
        assertTimeoutPreemptively(GUARD, () -> {
            try {
                GgufFile g = GgufFile.parse(MemorySegment.ofArray(bytes));
                // Touch every tensor's data: slices must be in bounds.
                g.tensors().forEach(t -> g.data(t).byteSize());
            } catch (GgufFormatException expected) {
                // the only acceptable failure
            }
        });
    }

    @Property(tries = 1000)
    void truncatedFiles(@ForAll long seed, @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        byte[] valid = GgufSamples.random(seed);
        parseOnlyFailsCleanly(Arrays.copyOf(valid, Math.min(cut, valid.length)));
    }

    @Property(tries = 2000)
    void bitFlippedFiles(@ForAll long seed, @ForAll @IntRange(min = 1, max = 16) int flips) {
        byte[] bytes = GgufSamples.random(seed);
        Random rnd = new Random(seed ^ flips);
        for (int i = 0; i < flips; i++) {
            int bit = rnd.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        parseOnlyFailsCleanly(bytes);
    }

    @Property(tries = 2000)
    void hostileValuesInFields(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int plants) {
        byte[] bytes = GgufSamples.random(seed);
        Random rnd = new Random(~seed);
        for (int i = 0; i < plants && bytes.length > 8; i++) {
            int at = rnd.nextInt(bytes.length - 7);
            long v = HOSTILE[rnd.nextInt(HOSTILE.length)];
            int width = rnd.nextBoolean() ? 8 : 4;
            for (int j = 0; j < width; j++) {
                bytes[at + j] = (byte) (v >>> (8 * j));
            }
        }
        parseOnlyFailsCleanly(bytes);
    }

    @Property(tries = 1000)
    void randomBytesAfterAValidHeader(@ForAll @Size(max = 512) byte[] tail, @ForAll @IntRange(min = 0, max = 20) int tensors,
                                      @ForAll @IntRange(min = 0, max = 20) int kvs) {
        byte[] head = new Bytes().header(tensors, kvs).toArray();
        byte[] bytes = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, bytes, head.length, tail.length);
        parseOnlyFailsCleanly(bytes);
    }

    @Property(tries = 1000)
    void spliceOfTwoFiles(@ForAll long a, @ForAll long b, @ForAll @IntRange(min = 0, max = 4000) int at) {
        byte[] first = GgufSamples.random(a);
        byte[] second = GgufSamples.random(b);
        int cut = Math.min(at, first.length);
        byte[] bytes = Arrays.copyOf(first, cut + second.length);
        System.arraycopy(second, 0, bytes, cut, second.length);
        parseOnlyFailsCleanly(bytes);
    }
}
