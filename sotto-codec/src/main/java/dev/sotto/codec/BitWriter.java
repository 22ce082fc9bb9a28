package dev.sotto.codec;

import java.util.Arrays;

/** Big-endian bit packing into a growable byte array (FLAC's bit order). */
final class BitWriter {
    private byte[] bytes = new byte[1 << 14];
    private int length;      // whole bytes written
    private long acc;        // pending bits, right-aligned
    private int accBits;

    void reset() {
        length = 0;
        acc = 0;
        accBits = 0;
    }

    /** Writes the low {@code bits} bits of {@code value} (bits <= 32). */
    void write(long value, int bits) {
        if (bits == 0) {
            return;
        }
        acc = (acc << bits) | (value & ((1L << bits) - 1));
        accBits += bits;
        while (accBits >= 8) {
            accBits -= 8;
            put((byte) (acc >>> accBits));
        }
    }

    /** {@code zeros} zero bits then a one: the unary part of a Rice code. */
    void unary(int zeros) {
        while (zeros >= 32) {
            write(0, 32);
            zeros -= 32;
        }
        write(1, zeros + 1);
    }

    /** Pads with zero bits to a byte boundary. */
    void align() {
        if (accBits > 0) {
            write(0, 8 - accBits);
        }
    }

    private void put(byte b) {
        if (length == bytes.length) {
            bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
        bytes[length++] = b;
    }

    /** Bytes written so far (call after {@link #align()}). */
    int length() {
        return length;
    }

    byte[] buffer() {
        return bytes;
    }
}
