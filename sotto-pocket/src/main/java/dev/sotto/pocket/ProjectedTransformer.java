package dev.sotto.pocket;

import dev.sotto.kernel.Kernels;

/**
 * One of Mimi's transformers (the decoder's, the encoder's) between channel-major convolutions: x [in, t] is turned
 * into rows, through the optional input projection, the {@link Transformer} and the optional output projection, and
 * back to [width, t]. Immutable; the stream's state is its {@link KvCache}.
 *
 * @param inputProj null when the transformer's width is the input's
 * @param outputProj null likewise for the output
 */
record ProjectedTransformer(Linear inputProj, Transformer transformer, Linear outputProj) {

    /** Output channels. */
    int width() {
        return outputProj != null ? outputProj.out() : transformer.dModel;
    }

    KvCache newCache(int capacity) {
        return transformer.newCache(capacity);
    }

    /** y [width, t] for x [in, t], at the positions following those in {@code cache}. */
    float[] apply(Kernels k, float[] x, int in, int t, KvCache cache) {
        float[] rows = Linear.transpose(x, in, t);
        if (inputProj != null) {
            rows = inputProj.apply(k, rows, t);
        }
        transformer.forward(k, rows, t, cache, null);
        if (outputProj != null) {
            rows = outputProj.apply(k, rows, t);
        }
        return Linear.transpose(rows, t, width());
    }
}
