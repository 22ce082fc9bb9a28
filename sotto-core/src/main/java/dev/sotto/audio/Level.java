package dev.sotto.audio;

/**
 * A gain in decibels, then (unless turned off) a soft limiter: samples above {@link #KNEE} are bent towards
 * {@link #CEILING} and never cross it, so loud settings do not clip. Sample by sample (no state), so chunks of a
 * stream match at their joins.
 */
public final class Level implements AudioFilter {
    /** Level above which the limiter starts to bend the waveform. */
    public static final float KNEE = 0.9f;
    /** The limiter's ceiling, just under full scale. */
    public static final float CEILING = 0.999f;

    private final float gain;
    private final boolean limit;

    public Level(float volumeDb, boolean limit) {
        this.gain = (float) Math.pow(10, volumeDb / 20.0);
        this.limit = limit;
    }

    @Override
    public float[] process(float[] input, int from, int n) {
        float[] out = new float[n];
        float room = CEILING - KNEE;
        for (int i = 0; i < n; i++) {
            float v = input[from + i] * gain;
            float a = Math.abs(v);
            if (limit && a > KNEE) {
                v = Math.copySign(KNEE + room * (float) Math.tanh((a - KNEE) / room), v);
            }
            out[i] = v;
        }
        return out;
    }

    @Override
    public float[] flush() {
        return new float[0];
    }
}
