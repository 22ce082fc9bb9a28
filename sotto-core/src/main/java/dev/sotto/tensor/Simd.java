package dev.sotto.tensor;

import java.util.Locale;

/**
 * The one place that decides whether kernels use the Vector API, and at which width.
 *
 * <p>Chosen once per JVM from the system property {@value #PROPERTY}: {@code auto} (default: the widest
 * float vector the CPU offers, up to 512 bits), {@code scalar} (plain Java loops, e.g. where the Vector API
 * is missing or slow), or a width in bits ({@code 128}, {@code 256}, {@code 512}), capped at what the CPU
 * offers. Kernels read {@link #ENABLED} and {@link Vectors}' species as constants, which is what lets the
 * JIT compile vector code into SIMD instructions; a width that changed at run time would defeat that.
 */
public final class Simd {
    /** System property selecting the kernel width. */
    public static final String PROPERTY = "sotto.simd";

    /** True when vector kernels are in use. */
    public static final boolean ENABLED;
    /** Float lanes per vector (0 when scalar). */
    public static final int FLOAT_LANES;
    /** Why this mode was chosen, for diagnostics. */
    private static final String REASON;

    static {
        String requested = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        boolean moduleLoaded = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        int lanes = 0;
        String reason;
        if (requested.equals("scalar")) {
            reason = "scalar kernels requested (-D" + PROPERTY + "=scalar)";
        } else if (!moduleLoaded) {
            reason = "scalar kernels: the jdk.incubator.vector module is not loaded (run java with --add-modules jdk.incubator.vector)";
        } else {
            int maxBits = Math.min(512, PreferredWidth.bits());
            int bits;
            if (requested.equals("auto")) {
                bits = maxBits;
            } else {
                try {
                    bits = Integer.parseInt(requested);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException("-D" + PROPERTY + " must be auto, scalar, 128, 256 or 512, not '" + requested + "'");
                }
                if (bits != 128 && bits != 256 && bits != 512) {
                    throw new IllegalStateException("-D" + PROPERTY + " must be auto, scalar, 128, 256 or 512, not '" + requested + "'");
                }
                bits = Math.min(bits, maxBits);
            }
            if (bits < 128) {
                reason = "scalar kernels: the CPU offers no float vectors of 128 bits or more";
            } else {
                lanes = bits / 32;
                reason = bits + "-bit vectors (" + lanes + " floats), CPU maximum " + PreferredWidth.bits() + " bits";
            }
        }
        ENABLED = lanes > 0;
        FLOAT_LANES = lanes;
        REASON = reason;
    }

    private Simd() {
    }

    /**
     * Vector registers the kernels may plan tiles for: 32 on AArch64 (NEON) and on x86 with AVX-512 (whose
     * encoding reaches all 32 at every width), else 16 (SSE, AVX2).
     */
    public static int vectorRegisters() {
        if (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).contains("aarch64")) {
            return 32;
        }
        return ENABLED && PreferredWidth.bits() >= 512 ? 32 : 16;
    }

    /** One line saying which kernels run and why. */
    public static String describe() {
        return REASON;
    }

    /** Isolated so that {@code FloatVector} is only touched when the module is present. */
    private static final class PreferredWidth {
        static int bits() {
            return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize();
        }
    }
}
