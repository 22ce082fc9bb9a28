package dev.sotto.vits;

import dev.sotto.kernel.Kernels;
import dev.sotto.model.Utterance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A prepared VITS utterance read as a model-neutral {@link Utterance}: streamed in growing frame ranges
 * ({@link VitsModel#streamingBoundaries}), or decoded whole in one piece when streaming is off.
 */
final class VitsUtterance implements Utterance {
    private final VitsModel model;
    private final VitsModel.Prepared prepared;
    private final Kernels kernels;
    private final VitsModel.Stream stream; // null when decoded whole
    private final int[] samplesPerToken;
    private boolean wholeDone;
    private long flowNanos;
    private long decoderNanos;

    VitsUtterance(VitsModel model, VitsModel.Prepared prepared, Kernels kernels, boolean streaming) {
        this.model = model;
        this.prepared = prepared;
        this.kernels = kernels;
        this.stream = streaming ? model.stream(prepared, kernels) : null;
        int hop = model.config().hopLength();
        this.samplesPerToken = new int[prepared.frames().length];
        for (int i = 0; i < samplesPerToken.length; i++) {
            samplesPerToken[i] = prepared.frames()[i] * hop;
        }
    }

    @Override
    public boolean hasNext() {
        return stream != null ? stream.hasNext() : !wholeDone;
    }

    @Override
    public AudioPiece next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the utterance has been read");
        }
        if (stream != null) {
            return new AudioPiece(stream.next(), 0);
        }
        wholeDone = true;
        VitsModel.Result r = model.render(prepared, kernels);
        flowNanos = r.timings().flowNanos();
        decoderNanos = r.timings().decoderNanos();
        return new AudioPiece(r.audio(), 0);
    }

    @Override
    public int tokenCount() {
        return samplesPerToken.length;
    }

    @Override
    public int[] samplesPerToken() {
        return samplesPerToken.clone();
    }

    @Override
    public List<String> segments() {
        return List.of();
    }

    @Override
    public Map<String, Long> phaseNanos() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("encoder", prepared.encoderNanos());
        m.put("duration", prepared.durationNanos());
        m.put("flow", stream != null ? stream.flowNanos() : flowNanos);
        m.put("decoder", stream != null ? stream.decoderNanos() : decoderNanos);
        return m;
    }
}
