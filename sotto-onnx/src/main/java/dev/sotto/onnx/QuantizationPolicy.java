package dev.sotto.onnx;

import dev.sotto.tensor.GgmlType;

/**
 * Which tensors of a VITS voice take the requested weight type. The large convolution matrices of the decoder,
 * the flow and the text encoder do; small or sensitive tensors keep full precision: biases, norms, embeddings,
 * relative-position tables, the duration predictor (its output is rounded up to whole frames, so small errors
 * change the timing), the speaker conditioning, and the last decoder convolution.
 */
public final class QuantizationPolicy {
    /** Tensors with fewer weights stay in F32: they cost little and gain nothing from compression. */
    static final int MIN_ELEMENTS = 4096;

    private QuantizationPolicy() {
    }

    public static String describe(GgmlType requested) {
        return requested.cliName() + " for decoder, flow and text-encoder matrices; f32 for the duration predictor, "
                + "embeddings, norms, biases, speaker conditioning and conv_post";
    }

    /** The type for parameter {@code name} of PyTorch shape {@code shape} when {@code requested} is asked for. */
    public static GgmlType typeFor(String name, long[] shape, GgmlType requested) {
        if (requested == GgmlType.F32 || shape.length != 2) {
            return GgmlType.F32;
        }
        long elements = shape[0] * shape[1];
        boolean large = elements >= MIN_ELEMENTS && shape[1] % requested.blockSize() == 0;
        boolean sensitive = name.startsWith("dp.") || name.startsWith("emb_g") || name.startsWith("enc_p.emb")
                || name.contains(".cond") || name.startsWith("dec.conv_post") || name.startsWith("enc_p.proj");
        if (!large || sensitive || !name.endsWith(".weight")) {
            return GgmlType.F32;
        }
        return requested;
    }
}
