package dev.sotto.onnx;

import dev.sotto.tensor.GgmlType;

/**
 * Which type each tensor of a VITS voice is stored in, given the type asked for. Chosen on measurements
 * (QuantizationReportTest prints them):
 * <ul>
 * <li>the large convolution matrices of the decoder, the flow and the text encoder take the requested type;</li>
 * <li>the duration path (phoneme embedding, text encoder, duration predictor) never goes below Q8_0: durations are
 *     rounded up to whole frames, and at Q4_0 its error moved some of them by a frame, which shifts all the audio
 *     after it; with Q8_0 on that path every duration stayed identical;</li>
 * <li>the duration predictor, the embeddings, speaker conditioning and conv_post stay F16 when Q8_0 is asked for
 *     (they are small, and F16 keeps the durations exact);</li>
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
            default -> requested.cliName() + " for decoder, flow and text-encoder matrices, f16 for the duration predictor,"
                    + " embeddings, conditioning and conv_post, f32 for vectors and small tensors";
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
        boolean conditioning = name.startsWith("emb_g") || name.contains(".cond") || name.startsWith("dec.conv_post");
        boolean durationPath = name.startsWith("dp.") || name.startsWith("enc_p.emb") || name.startsWith("enc_p.encoder.");
        GgmlType t;
        if (conditioning) {
            t = GgmlType.F16;
        } else if (durationPath) {
            t = requested == GgmlType.Q4_0 ? GgmlType.Q8_0 : name.startsWith("enc_p.encoder.") ? requested : GgmlType.F16;
        } else {
            t = requested;
        }
        return shape[1] % t.blockSize() == 0 ? t : GgmlType.F16;
    }
}
