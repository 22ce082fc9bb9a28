package dev.sotto.api;

import java.io.IOException;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.SourceDataLine;

/** The default audio output, for 16-bit little-endian mono PCM: what {@link AudioStream#play} and the CLI play through. */
public final class Speakers {
    private Speakers() {
    }

    /** An open, started line at {@code sampleRate}; write PCM to it, drain and close it. */
    public static SourceDataLine open(int sampleRate) throws IOException {
        AudioFormat fmt = new AudioFormat(sampleRate, 16, 1, true, false);
        try {
            SourceDataLine line = AudioSystem.getSourceDataLine(fmt);
            line.open(fmt);
            line.start();
            return line;
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new IOException("no audio output is available for playback (" + e.getMessage() + "); write a WAV file instead", e);
        }
    }
}
