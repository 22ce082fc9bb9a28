package dev.sotto.codec;

import dev.sotto.audio.Wav;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lossless FLAC (RFC 9639), 16-bit mono, our own encoder: blocks of 4,096 samples, each a constant subframe
 * (silence), the best of the fixed predictors of order 0 to 4 with partitioned Rice-coded residuals, or verbatim,
 * whichever is smallest. The stream header goes out first with the length and MD5 unknown (zero), as a stream
 * must; {@link #finalHeader()} has both for a file. Each block leaves as soon as it is full.
 */
final class FlacEncoder implements AudioEncoder {
    static final int BLOCK = 4096;
    /** "fLaC" plus the STREAMINFO block (4-byte block header, 34 bytes). */
    static final int HEADER_BYTES = 4 + 4 + 34;
    private static final int MAX_PARTITION_ORDER = 8;
    private static final int MAX_RICE = 14; // 15 is the escape code

    private final OutputStream out;
    private final int rate;
    private final int[] block = new int[BLOCK];
    private final int[] residual = new int[BLOCK];
    private final BitWriter bits = new BitWriter();
    private final MessageDigest md5;
    private final byte[] le = new byte[2];
    private int filled;
    private long frames;
    private long samples;
    private int minFrameBytes = Integer.MAX_VALUE;
    private int maxFrameBytes;
    private boolean begun;

    FlacEncoder(OutputStream out, int rate) {
        if (rate > 655_350) {
            throw new IllegalArgumentException("FLAC cannot hold " + rate + " Hz");
        }
        this.out = out;
        this.rate = rate;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void write(float[] s, int from, int to) throws IOException {
        if (!begun) {
            begin();
        }
        for (int i = from; i < to; i++) {
            short v = Wav.toS16(s[i]);
            le[0] = (byte) v;
            le[1] = (byte) (v >> 8);
            md5.update(le); // the MD5 of the decoded samples, little-endian
            block[filled++] = v;
            if (filled == BLOCK) {
                frame(BLOCK);
            }
        }
        samples += to - from;
    }

    @Override
    public void finish() throws IOException {
        if (!begun) {
            begin();
        }
        if (filled > 0) {
            frame(filled);
        }
        out.flush();
    }

    @Override
    public byte[] finalHeader() {
        return header(samples, md5Copy(), minFrameBytes == Integer.MAX_VALUE ? 0 : minFrameBytes, maxFrameBytes);
    }

    private byte[] md5Copy() {
        try {
            return ((MessageDigest) md5.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private void begin() throws IOException {
        begun = true;
        out.write(header(0, new byte[16], 0, 0)); // 0 = unknown
    }

    /** "fLaC" and the STREAMINFO metadata block (the last metadata block). */
    private byte[] header(long totalSamples, byte[] digest, int minFrame, int maxFrame) {
        BitWriter w = new BitWriter();
        w.write('f', 8);
        w.write('L', 8);
        w.write('a', 8);
        w.write('C', 8);
        w.write(1, 1);          // last metadata block
        w.write(0, 7);          // STREAMINFO
        w.write(34, 24);
        w.write(BLOCK, 16);     // min block size (the last block may be shorter)
        w.write(BLOCK, 16);     // max block size
        w.write(minFrame, 24);
        w.write(maxFrame, 24);
        w.write(rate, 20);
        w.write(0, 3);          // channels - 1
        w.write(15, 5);         // bits per sample - 1
        w.write(totalSamples >>> 32, 4);
        w.write(totalSamples & 0xFFFF_FFFFL, 32);
        byte[] b = new byte[HEADER_BYTES];
        System.arraycopy(w.buffer(), 0, b, 0, 26); // then the MD5
        System.arraycopy(digest, 0, b, 26, 16);
        return b;
    }

    /** Encodes block[0, n) as one frame and writes it. */
    private void frame(int n) throws IOException {
        BitWriter w = bits;
        w.reset();
        w.write(0xFFF8, 16);                      // sync code, fixed block size
        w.write(n == BLOCK ? 0b1100 : 0b0111, 4); // 4096, else 16-bit (n - 1) after the frame number
        w.write(0b0000, 4);                       // sample rate from STREAMINFO
        w.write(0b0000, 4);                       // one channel
        w.write(0b100, 3);                        // 16 bits per sample
        w.write(0, 1);
        writeUtf8(w, frames);
        if (n != BLOCK) {
            w.write(n - 1, 16);
        }
        w.write(crc8(w.buffer(), w.length()), 8);
        subframe(w, n);
        w.align();
        int crc = crc16(w.buffer(), w.length());
        w.write(crc, 16);
        out.write(w.buffer(), 0, w.length());
        minFrameBytes = Math.min(minFrameBytes, w.length());
        maxFrameBytes = Math.max(maxFrameBytes, w.length());
        frames++;
        filled = 0;
    }

    private void subframe(BitWriter w, int n) {
        boolean constant = true;
        for (int i = 1; i < n && constant; i++) {
            constant = block[i] == block[0];
        }
        if (constant) {
            w.write(0, 8);                        // pad bit, type 000000, no wasted bits
            w.write(block[0], 16);
            return;
        }
        int bestOrder = -1;
        long bestSum = Long.MAX_VALUE;
        for (int order = 0; order <= Math.min(4, n - 1); order++) {
            long sum = 0;
            for (int i = 4; i < n; i++) {
                sum += Math.abs(predictionError(order, i));
            }
            if (sum < bestSum) {
                bestSum = sum;
                bestOrder = order;
            }
        }
        int order = bestOrder;
        for (int i = order; i < n; i++) {
            int e = predictionError(order, i);
            residual[i] = (e << 1) ^ (e >> 31); // zig-zag: Rice codes unsigned values
        }
        int bestPartitionOrder = 0;
        long bestBits = Long.MAX_VALUE;
        for (int p = 0; p <= MAX_PARTITION_ORDER && (n % (1 << p)) == 0 && (n >> p) > order; p++) {
            long cost = 0;
            for (int part = 0; part < 1 << p; part++) {
                int from = partitionStart(part, n, p, order);
                int to = (part + 1) * (n >> p);
                cost += 4 + riceBits(from, to, bestRice(from, to));
            }
            if (cost < bestBits) {
                bestBits = cost;
                bestPartitionOrder = p;
            }
        }
        if (6 + 16L * order + bestBits >= 16L * n) {
            w.write(0b0000_0010, 8);              // verbatim
            for (int i = 0; i < n; i++) {
                w.write(block[i], 16);
            }
            return;
        }
        w.write((0b001000 | order) << 1, 8);      // fixed predictor of this order
        for (int i = 0; i < order; i++) {
            w.write(block[i], 16);                // warm-up samples
        }
        int p = bestPartitionOrder;
        w.write(0b00, 2);                         // Rice, 4-bit parameters
        w.write(p, 4);
        for (int part = 0; part < 1 << p; part++) {
            int from = partitionStart(part, n, p, order);
            int to = (part + 1) * (n >> p);
            int k = bestRice(from, to);
            w.write(k, 4);
            for (int i = from; i < to; i++) {
                int u = residual[i];
                w.unary(u >>> k);
                w.write(u, k);
            }
        }
    }

    private static int partitionStart(int part, int n, int p, int order) {
        return part == 0 ? order : part * (n >> p);
    }

    /** The residual of the fixed predictor of {@code order} at sample i (i >= order). */
    private int predictionError(int order, int i) {
        int[] x = block;
        return switch (order) {
            case 0 -> x[i];
            case 1 -> x[i] - x[i - 1];
            case 2 -> x[i] - 2 * x[i - 1] + x[i - 2];
            case 3 -> x[i] - 3 * x[i - 1] + 3 * x[i - 2] - x[i - 3];
            default -> x[i] - 4 * x[i - 1] + 6 * x[i - 2] - 4 * x[i - 3] + x[i - 4];
        };
    }

    /** The Rice parameter for residual[from, to): about log2 of the mean. */
    private int bestRice(int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            sum += residual[i];
        }
        int count = Math.max(1, to - from);
        int k = 0;
        while (k < MAX_RICE && ((long) count << (k + 1)) <= sum) {
            k++;
        }
        return k;
    }

    private long riceBits(int from, int to, int k) {
        long b = (long) (to - from) * (k + 1);
        for (int i = from; i < to; i++) {
            b += residual[i] >>> k;
        }
        return b;
    }

    /** The frame number in FLAC's UTF-8-like coding (up to 36 bits). */
    private static void writeUtf8(BitWriter w, long v) {
        if (v < 0x80) {
            w.write(v, 8);
            return;
        }
        int extra = v < 0x800 ? 1 : v < 0x1_0000 ? 2 : v < 0x20_0000 ? 3 : v < 0x400_0000 ? 4 : v < 0x8000_0000L ? 5 : 6;
        int firstBits = 6 - extra;                 // payload bits in the first byte
        int lead = (0xFF00 >> (extra + 1)) & 0xFF; // extra + 1 one-bits then a zero
        w.write(lead | (v >>> (6 * extra)) & ((1 << firstBits) - 1), 8);
        for (int i = extra - 1; i >= 0; i--) {
            w.write(0x80 | ((v >>> (6 * i)) & 0x3F), 8);
        }
    }

    /** CRC-8, polynomial x^8 + x^2 + x + 1, initial 0. */
    static int crc8(byte[] b, int n) {
        int crc = 0;
        for (int i = 0; i < n; i++) {
            crc ^= b[i] & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
            }
        }
        return crc;
    }

    /** CRC-16, polynomial x^16 + x^15 + x^2 + 1, initial 0. */
    static int crc16(byte[] b, int n) {
        int crc = 0;
        for (int i = 0; i < n; i++) {
            crc ^= (b[i] & 0xFF) << 8;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x8005) & 0xFFFF : (crc << 1) & 0xFFFF;
            }
        }
        return crc;
    }
}
