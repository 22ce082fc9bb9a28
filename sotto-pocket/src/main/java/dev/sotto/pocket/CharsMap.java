package dev.sotto.pocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * SentencePiece's precompiled normalization rules ({@code NormalizerSpec.precompiled_charsmap}, e.g. NFKC): a
 * little-endian uint32 giving the size in bytes of a darts-clone double-array trie, the trie's 32-bit units, then the
 * replacement strings, each ended by a zero byte. The longest rule matching at a position (over UTF-8 bytes) gives the
 * replacement. Immutable.
 */
final class CharsMap {
    private final int[] units;
    private final byte[] strings;

    /** A match: how many input bytes the rule covers and where its replacement starts in {@link #strings}. */
    record Match(int length, int replacement) {
    }

    CharsMap(byte[] blob) {
        if (blob.length <= 4) {
            throw new IllegalArgumentException("the normalization rules are broken (" + blob.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN);
        long trieBytes = Integer.toUnsignedLong(b.getInt(0));
        if (trieBytes >= blob.length - 4L || trieBytes % 4 != 0 || trieBytes == 0) {
            throw new IllegalArgumentException("the normalization rules' trie of " + trieBytes + " bytes does not fit their " + blob.length
                    + " bytes");
        }
        units = new int[(int) (trieBytes / 4)];
        for (int i = 0; i < units.length; i++) {
            units[i] = b.getInt(4 + 4 * i);
        }
        strings = java.util.Arrays.copyOfRange(blob, 4 + (int) trieBytes, blob.length);
    }

    /** The longest rule matching {@code key[from, to)} at {@code from}, or null. */
    Match longestPrefix(byte[] key, int from, int to) {
        int pos = 0;
        int unit = unit(pos);
        pos ^= offset(unit);
        Match best = null;
        for (int i = from; i < to; i++) {
            int label = key[i] & 0xFF;
            pos ^= label;
            unit = unit(pos);
            if (unit == -1 || (unit & (0x80000000 | 0xFF)) != label) {
                return best;
            }
            pos ^= offset(unit);
            if (((unit >>> 8) & 1) == 1) {
                int leaf = unit(pos);
                if (leaf == -1) {
                    return best;
                }
                int value = leaf & 0x7FFFFFFF;
                if (value >= strings.length) {
                    throw new IllegalArgumentException("the normalization rules point outside their strings");
                }
                best = new Match(i + 1 - from, value);
            }
        }
        return best;
    }

    /** The replacement starting at {@code at}: bytes up to the next zero. */
    byte[] replacement(int at) {
        int end = at;
        while (end < strings.length && strings[end] != 0) {
            end++;
        }
        return java.util.Arrays.copyOfRange(strings, at, end);
    }

    /** The unit at {@code pos}, or -1 outside the array (a malformed trie then matches nothing more). */
    private int unit(int pos) {
        return pos >= 0 && pos < units.length ? units[pos] : -1;
    }

    private static int offset(int unit) {
        return (unit >>> 10) << ((unit & (1 << 9)) >>> 6);
    }
}
