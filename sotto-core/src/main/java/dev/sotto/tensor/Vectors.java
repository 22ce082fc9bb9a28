package dev.sotto.tensor;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector species used by the kernels, fixed at class initialisation from {@link Simd} so that the JIT sees
 * them as constants. Only touched when {@link Simd#ENABLED} is true.
 */
public final class Vectors {
    /** Float species of {@link Simd#FLOAT_LANES} lanes. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(Simd.FLOAT_LANES * 32));
    /** Float lanes per vector. */
    public static final int L = F.length();
    /** Int species with as many lanes as {@link #F}. */
    public static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED.withShape(F.vectorShape());
    /** Byte species for loading quantized weights: max(8, L) lanes (64 bits is the smallest byte vector). */
    public static final VectorSpecies<Byte> B = ByteVector.SPECIES_64.withShape(
            VectorShape.forBitSize(Math.max(64, L * 8)));
    /** Float vectors produced from one {@link #B} load. */
    public static final int B_PARTS = B.length() / L;
    /** Short species for loading half floats: max(4, L) lanes. */
    public static final VectorSpecies<Short> S = ShortVector.SPECIES_64.withShape(
            VectorShape.forBitSize(Math.max(64, L * 16)));
    /** Float vectors produced from one {@link #S} load. */
    public static final int S_PARTS = S.length() / L;

    private Vectors() {
    }

    /**
     * Eight bytes (a 64-bit vector) as eight shorts (a 128-bit vector), sign-extended: the first step of widening
     * quantized weights at 128 bits, where a direct byte-to-float conversion of the upper half is not compiled to SIMD.
     */
    public static ShortVector widenToShorts(ByteVector eight) {
        return (ShortVector) eight.convertShape(jdk.incubator.vector.VectorOperators.B2S, ShortVector.SPECIES_128, 0);
    }
}
