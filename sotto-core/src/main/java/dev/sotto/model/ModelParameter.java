package dev.sotto.model;

/**
 * A generation parameter a family exposes (VITS noise scales, Pocket TTS temperature), with its range and default.
 *
 * @param name snake_case name, as in {@link GenerationSettings#parameters()} and on the command line as --kebab-case
 * @param description one line for help texts
 * @param min smallest value accepted
 * @param max largest value accepted
 * @param defaultValue the model's own default, or null when the model decides per utterance
 * @param integer whether only whole numbers are accepted
 */
public record ModelParameter(String name, String description, double min, double max, Double defaultValue, boolean integer) {

    public ModelParameter {
        if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException("parameter name must be snake_case, got '" + name + "'");
        }
        if (!(min <= max)) {
            throw new IllegalArgumentException("parameter " + name + " has an empty range");
        }
    }

    /** {@code value}, checked against the range (and integrality). */
    public double check(double value) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be between " + display(min) + " and " + display(max) + ", got " + display(value));
        }
        if (integer && value != Math.rint(value)) {
            throw new IllegalArgumentException(name + " must be a whole number, got " + value);
        }
        return value;
    }

    private static String display(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
