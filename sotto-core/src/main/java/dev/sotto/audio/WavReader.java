package dev.sotto.audio;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads WAV files: PCM of 8, 16, 24 or 32 bits, IEEE float of 32 or 64 bits, plain or WAVE_FORMAT_EXTENSIBLE, any rate
 * and channel count. Every size and offset is checked against the file; a malformed file ends in
 * {@link WavFormatException} saying what is wrong.
 */
public final class WavReader {
    /** Longest recording read, in seconds (anything longer is refused before it is read into memory). */
    public static final double MAX_SECONDS = 600;

    private WavReader() {
    }

    /** A WAV file that cannot be read; the message says why. */
    public static final class WavFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        public WavFormatException(String message) {
            super(message);
        }
    }

    /**
     * The samples of a recording.
     *
     * @param channels samples per channel, [channel][frame], in [-1, 1] for PCM
     * @param sampleRate frames per second
     */
    public record Recording(float[][] channels, int sampleRate) {
        public int frames() {
            return channels.length == 0 ? 0 : channels[0].length;
        }

        public double seconds() {
            return frames() / (double) sampleRate;
        }

        /** The channels averaged into one. */
        public float[] mono() {
            if (channels.length == 1) {
                return channels[0];
            }
            float[] out = new float[frames()];
            for (float[] c : channels) {
                for (int i = 0; i < out.length; i++) {
                    out[i] += c[i];
                }
            }
            for (int i = 0; i < out.length; i++) {
                out[i] /= channels.length;
            }
            return out;
        }
    }

    public static Recording read(Path path) throws IOException {
        long size = Files.size(path);
        String name = path.getFileName().toString();
        if (size < 12) {
            throw new WavFormatException(name + " is not a WAV file (" + size + " bytes)");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return read(in, size, name);
        }
    }

    private static Recording read(InputStream in, long size, String name) throws IOException {
        byte[] head = in.readNBytes(12);
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (head.length < 12 || h.getInt(0) != 0x46464952 || h.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
            throw new WavFormatException(name + " is not a WAV file (no RIFF/WAVE header)");
        }
        long at = 12;
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int blockAlign = 0;
        while (at + 8 <= size) {
            byte[] ch = in.readNBytes(8);
            if (ch.length < 8) {
                break;
            }
            ByteBuffer c = ByteBuffer.wrap(ch).order(ByteOrder.LITTLE_ENDIAN);
            int id = c.getInt(0);
            long length = Integer.toUnsignedLong(c.getInt(4));
            at += 8;
            if (id == 0x20746d66) { // "fmt "
                if (length < 16 || length > 1024) {
                    throw new WavFormatException(name + ": the format chunk has " + length + " bytes");
                }
                ByteBuffer f = ByteBuffer.wrap(in.readNBytes((int) length)).order(ByteOrder.LITTLE_ENDIAN);
                format = f.getShort(0) & 0xFFFF;
                channels = f.getShort(2) & 0xFFFF;
                rate = f.getInt(4);
                blockAlign = f.getShort(12) & 0xFFFF;
                bits = f.getShort(14) & 0xFFFF;
                if (format == 0xFFFE && length >= 26) { // WAVE_FORMAT_EXTENSIBLE: the subformat's first two bytes are the format
                    format = f.getShort(24) & 0xFFFF;
                }
                at += length;
                skip(in, length % 2);
                at += length % 2;
            } else if (id == 0x61746164) { // "data"
                if (format < 0) {
                    throw new WavFormatException(name + ": the data comes before the format chunk");
                }
                return samples(in, name, format, channels, rate, bits, blockAlign, Math.min(length, size - at));
            } else {
                skip(in, length + length % 2);
                at += length + length % 2;
            }
        }
        throw new WavFormatException(name + ": no data chunk");
    }

    private static Recording samples(InputStream in, String name, int format, int channels, int rate, int bits, int blockAlign, long bytes)
            throws IOException {
        boolean pcm = format == 1 && (bits == 8 || bits == 16 || bits == 24 || bits == 32);
        boolean floats = format == 3 && (bits == 32 || bits == 64);
        if (!pcm && !floats) {
            throw new WavFormatException(name + ": " + (format == 1 ? bits + "-bit PCM" : format == 3 ? bits + "-bit float" : "format " + format)
                    + " is not supported (PCM of 8, 16, 24 or 32 bits, or 32/64-bit float)");
        }
        if (channels < 1 || channels > 64 || rate < 1000 || rate > 768_000 || blockAlign != channels * bits / 8) {
            throw new WavFormatException(name + ": implausible format (" + channels + " channels, " + rate + " Hz, block of " + blockAlign
                    + " bytes)");
        }
        long frames = bytes / blockAlign;
        if (frames > MAX_SECONDS * rate) {
            throw new WavFormatException(name + " is " + Math.round(frames / (double) rate) + " s long; at most " + (int) MAX_SECONDS
                    + " s are read");
        }
        if (frames * blockAlign > Integer.MAX_VALUE - 8) {
            throw new WavFormatException(name + " has " + frames * blockAlign + " bytes of audio; at most 2 GB are read");
        }
        byte[] data = in.readNBytes((int) (frames * blockAlign));
        frames = data.length / blockAlign;
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[][] out = new float[channels][(int) frames];
        int width = bits / 8;
        for (int i = 0; i < frames; i++) {
            for (int c = 0; c < channels; c++) {
                int o = i * blockAlign + c * width;
                out[c][i] = switch (bits) {
                    case 8 -> ((data[o] & 0xFF) - 128) / 128f;
                    case 16 -> b.getShort(o) / 32768f;
                    case 24 -> ((data[o] & 0xFF) | (data[o + 1] & 0xFF) << 8 | data[o + 2] << 16) / 8388608f;
                    case 32 -> floats ? b.getFloat(o) : (float) (b.getInt(o) / 2147483648.0);
                    default -> (float) b.getDouble(o);
                };
            }
        }
        return new Recording(out, rate);
    }

    private static void skip(InputStream in, long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    return;
                }
                s = 1;
            }
            left -= s;
        }
    }
}
