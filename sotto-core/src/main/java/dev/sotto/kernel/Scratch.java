package dev.sotto.kernel;

/**
 * Per-thread scratch arrays for staged inputs: reused across calls so that hot loops do not allocate. Contents
 * are garbage on return; callers overwrite what they read.
 */
final class Scratch {
    private static final ThreadLocal<float[]> BUFFER = ThreadLocal.withInitial(() -> new float[0]);

    private Scratch() {
    }

    static float[] get(int size) {
        float[] b = BUFFER.get();
        if (b.length < size) {
            b = new float[Math.max(size, b.length + b.length / 2)];
            BUFFER.set(b);
        }
        return b;
    }
}
