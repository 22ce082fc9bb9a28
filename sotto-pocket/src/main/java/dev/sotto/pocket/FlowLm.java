package dev.sotto.pocket;

import dev.sotto.kernel.Kernels;
import dev.sotto.tensor.WeightMatrix;

/**
 * FlowLM: the causal transformer that reads the text (and voice) and then emits one latent per step. Text tokens are
 * looked up in {@code conditioner.embed} (row = token id, width d, no projection); a step's input is the previous
 * latent through {@code input_linear} (the learned {@code bos_emb} at the first step); the transformer's output goes
 * through {@code out_norm}, then to {@code out_eos} (end of speech when its logit exceeds a threshold) and to the
 * {@link FlowHead}, which samples the next latent. Immutable; each stream keeps its own {@link KvCache}.
 */
final class FlowLm {
    final WeightMatrix embedding;     // [nBins + 1, d]
    final Linear inputLinear;         // [d, latent]
    final Transformer transformer;
    final float[] outNormWeight;
    final float[] outNormBias;
    final Linear outEos;              // [1, d] + bias
    final float[] bosEmb;             // [latent]
    final float[] bosBeforeVoice;     // [d], or null
    final Linear speakerProj;         // [d, innerDim]: Mimi encoder latents -> conditioning
    final FlowHead head;

    FlowLm(WeightMatrix embedding, Linear inputLinear, Transformer transformer, float[] outNormWeight, float[] outNormBias, Linear outEos,
           float[] bosEmb, float[] bosBeforeVoice, Linear speakerProj, FlowHead head) {
        this.embedding = embedding;
        this.inputLinear = inputLinear;
        this.transformer = transformer;
        this.outNormWeight = outNormWeight;
        this.outNormBias = outNormBias;
        this.outEos = outEos;
        this.bosEmb = bosEmb;
        this.bosBeforeVoice = bosBeforeVoice;
        this.speakerProj = speakerProj;
        this.head = head;
    }

    int width() {
        return transformer.dModel;
    }

    /** The rows [ids.length, d] of the text conditioning. */
    float[] embed(int[] ids) {
        int d = width();
        float[] rows = new float[ids.length * d];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= embedding.rows() - 1) {
                throw new IllegalArgumentException("token id " + ids[i] + " is outside the model's vocabulary 0.." + (embedding.rows() - 2));
            }
            embedding.dequantizeRow(ids[i], rows, i * d);
        }
        return rows;
    }

    /**
     * Runs conditioning rows [n, d] through the transformer (appending to the cache) and returns the normed output of
     * the last row: what the step after them is conditioned on.
     */
    float[] prompt(Kernels k, float[] rows, int n, KvCache cache, boolean[] layers) {
        transformer.forward(k, rows, n, cache, layers);
        int d = width();
        float[] h = java.util.Arrays.copyOfRange(rows, (n - 1) * d, n * d);
        Norms.layerNorm(h, 1, d, outNormWeight, outNormBias, 1e-5f);
        return h;
    }

    /** One step: the previous latent (null for the first step) in, the normed transformer output out. */
    float[] step(Kernels k, float[] previousLatent, KvCache cache, boolean[] layers) {
        float[] x = inputLinear.apply(k, previousLatent == null ? bosEmb : previousLatent);
        return prompt(k, x, 1, cache, layers);
    }

    /** The end-of-speech logit of a normed output. */
    float eosLogit(Kernels k, float[] h) {
        return outEos.apply(k, h)[0];
    }
}
