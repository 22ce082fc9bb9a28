package dev.sotto.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Ogg pages of one logical stream (RFC 3533): packets are queued with the granule position at their end, and
 * {@link #flush(boolean)} writes them as pages of at most 255 lacing values, each packet whole on one page.
 */
final class OggPageWriter {
    static final int FLAG_BEGIN = 0x02;
    static final int FLAG_END = 0x04;
    private static final int MAX_SEGMENTS = 255;
    private static final int[] CRC = crcTable();

    private final OutputStream out;
    private final int serial;
    private final List<byte[]> packets = new ArrayList<>();
    private final List<Long> granules = new ArrayList<>();
    private int sequence;
    private boolean begun;

    OggPageWriter(OutputStream out, int serial) {
        this.out = out;
        this.serial = serial;
    }

    /** Queues a packet; {@code granuleAfter} is the stream's position once it is decoded. */
    void add(byte[] packet, long granuleAfter) {
        packets.add(packet);
        granules.add(granuleAfter);
    }

    /** Writes the queued packets as pages; {@code end} marks the last page as the end of the stream. */
    void flush(boolean end) throws IOException {
        int first = 0;
        while (first < packets.size() || end) {
            int segments = 0;
            int last = first;
            while (last < packets.size() && segments + packets.get(last).length / 255 + 1 <= MAX_SEGMENTS) {
                segments += packets.get(last).length / 255 + 1;
                last++;
            }
            if (last == first && first < packets.size()) {
                throw new IllegalStateException("an Ogg packet longer than one page: " + packets.get(first).length + " bytes");
            }
            boolean lastPage = last == packets.size();
            long granule = last > first ? granules.get(last - 1) : (granules.isEmpty() ? 0 : granules.getLast());
            int flags = (begun ? 0 : FLAG_BEGIN) | (end && lastPage ? FLAG_END : 0);
            writePage(packets.subList(first, last), granule, flags);
            first = last;
            if (lastPage) {
                break;
            }
        }
        packets.clear();
        granules.clear();
    }

    private void writePage(List<byte[]> page, long granule, int flags) throws IOException {
        int segments = 0;
        int bodyBytes = 0;
        for (byte[] p : page) {
            segments += p.length / 255 + 1;
            bodyBytes += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(27 + segments + bodyBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'O', 'g', 'g', 'S'}).put((byte) 0).put((byte) flags).putLong(granule).putInt(serial).putInt(sequence++)
                .putInt(0).put((byte) segments); // CRC filled in below
        for (byte[] p : page) {
            for (int i = 0; i < p.length / 255; i++) {
                b.put((byte) 255);
            }
            b.put((byte) (p.length % 255));
        }
        for (byte[] p : page) {
            b.put(p);
        }
        byte[] bytes = b.array();
        int crc = crc(bytes);
        ByteBuffer.wrap(bytes, 22, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc);
        out.write(bytes);
        begun = true;
    }

    /** Ogg's CRC-32: polynomial 0x04C11DB7, initial 0, not reflected, no final XOR. */
    static int crc(byte[] bytes) {
        int crc = 0;
        for (byte v : bytes) {
            crc = (crc << 8) ^ CRC[((crc >>> 24) ^ v) & 0xFF];
        }
        return crc;
    }

    private static int[] crcTable() {
        int[] t = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int k = 0; k < 8; k++) {
                r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
            }
            t[i] = r;
        }
        return t;
    }
}
