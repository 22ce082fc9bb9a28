package dev.sotto.api;

import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Samples;
import dev.sotto.audio.Wav;
import dev.sotto.codec.AudioEncoder;
import dev.sotto.codec.OutputFormat;
import dev.sotto.io.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import javax.sound.sampled.SourceDataLine;

/**
 * Speech as {@link AudioChunk}s at one sample rate, produced as it is read, whatever made it (a local voice, a
 * cloud service). Iterate it once, or write or play it; close it to stop early.
 */
public interface AudioStream extends Iterable<AudioChunk>, AutoCloseable {
    int sampleRate();

    @Override
    void close();

    /** Writes the whole stream as a WAV file (atomically: the file appears complete or not at all). */
    default void writeWav(Path path, SampleFormat format) throws IOException {
        int rate = sampleRate();
        AtomicFiles.write(path, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[44]));
                long samples = 0;
                for (AudioChunk c : this) {
                    ByteBuffer b = ByteBuffer.wrap(Wav.encode(c.samples(), 0, c.samples().length, format));
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                    samples += c.samples().length;
                }
                ch.write(ByteBuffer.wrap(Wav.header(rate, format, samples)), 0);
                ch.force(true);
            }
        });
    }

    /**
     * Writes the stream in {@code format} as it is synthesized, flushing {@code out} after each chunk (so a pipe or
     * a response carries speech before the text is done); does not close {@code out}. Memory stays bounded.
     */
    default void write(OutputStream out, OutputFormat format) throws IOException {
        encode(format.encoder(out, sampleRate()), out);
    }

    /** Feeds every chunk to {@code encoder}, flushing {@code out} (its output) after each, then finishes it. */
    private void encode(AudioEncoder encoder, OutputStream out) throws IOException {
        for (AudioChunk c : this) {
            encoder.write(c.samples(), 0, c.samples().length);
            out.flush();
        }
        encoder.finish();
        out.flush();
    }

    /**
     * Writes a file in {@code format} (atomically: the file appears complete or not at all), its header completed
     * with the length and checksum once known.
     */
    default void write(Path path, OutputFormat format) throws IOException {
        AtomicFiles.write(path, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                AudioEncoder encoder = format.encoder(out, sampleRate());
                encode(encoder, out);
                byte[] header = encoder.finalHeader();
                if (header != null) {
                    ch.write(ByteBuffer.wrap(header), 0);
                }
                ch.force(true);
            }
        });
    }

    /** Writes raw little-endian 16-bit PCM at the voice's rate as each chunk is ready (for piping to a player). */
    default void writePcm(OutputStream out) throws IOException {
        for (AudioChunk c : this) {
            out.write(Wav.encode(c.samples(), 0, c.samples().length, SampleFormat.S16));
            out.flush();
        }
    }

    /** Plays the stream through the default audio output as it is synthesized. */
    default void play() throws IOException {
        SourceDataLine line = Speakers.open(sampleRate());
        try {
            for (AudioChunk c : this) {
                byte[] pcm = Wav.encode(c.samples(), 0, c.samples().length, SampleFormat.S16);
                line.write(pcm, 0, pcm.length);
            }
            line.drain();
        } finally {
            line.close();
        }
    }

    /** All the samples at once (reads the whole stream). */
    default float[] readAll() {
        List<float[]> parts = new ArrayList<>();
        for (AudioChunk c : this) {
            parts.add(c.samples());
        }
        return Samples.concat(parts);
    }

}
