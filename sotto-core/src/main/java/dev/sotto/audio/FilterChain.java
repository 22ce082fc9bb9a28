package dev.sotto.audio;

import java.util.List;

/** Filters applied one after the other, as one streaming {@link AudioFilter}. An empty chain passes audio through. */
public final class FilterChain implements AudioFilter {
    private final List<AudioFilter> stages;

    public FilterChain(List<AudioFilter> stages) {
        this.stages = List.copyOf(stages);
    }

    public boolean isEmpty() {
        return stages.isEmpty();
    }

    @Override
    public float[] process(float[] input, int from, int n) {
        return through(0, input, from, n);
    }

    /** Flushes each stage in order, sending what it releases through the stages after it. */
    @Override
    public float[] flush() {
        float[] out = new float[0];
        for (int i = 0; i < stages.size(); i++) {
            float[] released = stages.get(i).flush();
            out = Samples.concat(out, through(i + 1, released, 0, released.length));
        }
        return out;
    }

    private float[] through(int first, float[] input, int from, int n) {
        if (first == stages.size()) {
            return from == 0 && n == input.length ? input : java.util.Arrays.copyOfRange(input, from, from + n);
        }
        float[] x = stages.get(first).process(input, from, n);
        for (int i = first + 1; i < stages.size(); i++) {
            x = stages.get(i).process(x, 0, x.length);
        }
        return x;
    }
}
