package dev.sotto.codec;

import dev.sotto.audio.AudioFilter;
import dev.sotto.audio.Resampler;
import dev.sotto.audio.SampleFormat;
import dev.sotto.audio.Wav;
import java.io.IOException;
import java.io.OutputStream;

/** Raw s16le mono, resampled (band-limited, streamed) to the rate the reader assumes. */
final class PcmEncoder implements AudioEncoder {
    private final OutputStream out;
    private final AudioFilter toRate;

    PcmEncoder(OutputStream out, int sourceRate, int outputRate) {
        this.out = out;
        this.toRate = Resampler.converting(sourceRate, outputRate);
    }

    @Override
    public void write(float[] s, int from, int to) throws IOException {
        float[] r = toRate.process(s, from, to - from);
        out.write(Wav.encode(r, 0, r.length, SampleFormat.S16));
    }

    @Override
    public void finish() throws IOException {
        float[] r = toRate.flush();
        out.write(Wav.encode(r, 0, r.length, SampleFormat.S16));
        out.flush();
    }
}
