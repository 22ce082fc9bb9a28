package dev.sotto.onnx;

import dev.sotto.tensor.GgmlType;

/**
 * Which type each tensor of a VITS voice is stored in, given the type asked for. Chosen on measurements
 * (QuantizationReportTest prints them):
 * <ul>
 * <li>the large convolution matrices of the decoder and the flow take the requested type;</li>
 * <li>the duration path decides where every phoneme falls: durations are rounded up to whole frames, so an error
 *     near a frame boundary moves one by a frame and shifts all the audio after it. At Q8_0 it is kept precise: the
 *     text encoder in F16, and the duration predictor, the phoneme and speaker embeddings in F32 (they are small).
 *     Measured over 11,000 random ids on the fixtures: with a Q8_0 text encoder 0.1-0.3% of durations moved; with
 *     all of the path in F16 0.03%; as here none on the full-size fixtures (2 of 6,871 on the tiny 3-speaker one,
 *     none of its reference cases). At Q4_0 the path is Q8_0, and some durations move;</li>
 * <li>other speaker conditioning and conv_post stay F16 (small, and close to the output);</li>
 * <li>vectors and small tensors (biases, norms, relative-position tables, anything under 4096 weights) stay F32.</li>
 * </ul>
 */
public final class QuantizationPolicy {
    /** Tensors with fewer weights stay in F32: they cost little and gain nothing from compression. */
    static final int MIN_ELEMENTS = 4096;

    private QuantizationPolicy() {
    }

    public static String describe(GgmlType requested) {
        return switch (requested) {
            case F32 -> "f32 throughout";
            case F16 -> "f16 for matrices, f32 for vectors and small tensors";
            case Q4_0 -> "q4_0 for decoder and flow matrices, q8_0 for the duration path (embedding, text encoder, duration"
                    + " predictor), f16 for speaker conditioning and conv_post, f32 for vectors and small tensors";
            default -> requested.cliName() + " for decoder and flow matrices, f16 for the text encoder, conditioning and conv_post, f32 for"
                    + " the duration predictor, the embeddings, vectors and small tensors";
        };
    }

    /** The type for parameter {@code name} of PyTorch shape {@code shape} when {@code requested} is asked for. */
    public static GgmlType typeFor(String name, long[] shape, GgmlType requested) {
        if (requested == GgmlType.F32 || shape.length != 2 || shape[0] * shape[1] < MIN_ELEMENTS) {
            return GgmlType.F32;
        }
        if (requested == GgmlType.F16 || !name.endsWith(".weight")) {
            return GgmlType.F16;
        }
        boolean durationPath = name.startsWith("dp.") || name.startsWith("enc_p.emb") || name.startsWith("enc_p.encoder.")
                || name.startsWith("emb_g");
        boolean conditioning = name.contains(".cond") || name.startsWith("dec.conv_post");
        GgmlType t;
        if (durationPath) {
            if (requested != GgmlType.Q4_0) {
                return name.startsWith("enc_p.encoder.") ? GgmlType.F16 : GgmlType.F32;
            }
            t = GgmlType.Q8_0;
        } else if (conditioning) {
            t = GgmlType.F16;
        } else {
            t = requested;
        }
        return shape[1] % t.blockSize() == 0 ? t : GgmlType.F16;
    }
}
