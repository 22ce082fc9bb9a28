package dev.sotto.pocket.convert;

import dev.sotto.tensor.GgmlType;

/**
 * Which type each tensor of a Pocket TTS model is stored in, given the type asked for. What upstream quantizes (its
 * dynamic int8 recipe) is FlowLM's transformer: the attention and MLP matrices, about three quarters of the
 * parameters. Those take the requested type; every other matrix (text lookup, flow head, Mimi) is F16 when a smaller
 * type is asked for (measured in PocketQuantizationReportTest); vectors and small tensors stay F32.
 */
public final class PocketQuantization {
    static final int MIN_ELEMENTS = 4096;

    private PocketQuantization() {
    }

    public static String describe(GgmlType requested) {
        return switch (requested) {
            case F32 -> "f32 throughout";
            case F16 -> "f16 for matrices, f32 for vectors and small tensors";
            default -> requested.cliName() + " for the FlowLM transformer's attention and MLP matrices, f16 for the other matrices"
                    + " (text lookup, flow head, Mimi), f32 for vectors and small tensors";
        };
    }

    /** Whether {@code name} is one of the FlowLM transformer's attention or MLP matrices. */
    static boolean isTransformerMatrix(String name) {
        return name.matches("flow_lm\\.transformer\\.layers\\.\\d+\\.(self_attn\\.in_proj|self_attn\\.out_proj|linear1|linear2)\\.weight");
    }

    /** The type of tensor {@code name} with stored shape {@code shape} (outermost first) when {@code requested} is asked for. */
    static GgmlType typeFor(String name, long[] shape, GgmlType requested) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (requested == GgmlType.F32 || shape.length != 2 || n < MIN_ELEMENTS || name.endsWith("freqs")) {
            return GgmlType.F32;
        }
        GgmlType t = isTransformerMatrix(name) ? requested : GgmlType.F16;
        return shape[1] % t.blockSize() == 0 ? t : GgmlType.F16;
    }
}
