package dev.sotto.api;

/**
 * A span of a chunk's audio: a phoneme or a word, from sample {@code start} (inclusive) to {@code end}
 * (exclusive), counted from the start of the chunk.
 */
public record Timing(String label, int start, int end) {
    public Timing {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
        }
    }

    public double startSeconds(int sampleRate) {
        return start / (double) sampleRate;
    }

    public double endSeconds(int sampleRate) {
        return end / (double) sampleRate;
    }
}
