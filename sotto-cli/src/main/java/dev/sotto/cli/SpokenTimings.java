package dev.sotto.cli;

import dev.sotto.api.AudioChunk;
import dev.sotto.api.AudioStream;
import dev.sotto.api.ReadOnceAudioStream;
import dev.sotto.api.Timing;
import dev.sotto.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * What was spoken, recorded while a stream is written or played: always its length and sentence count; the
 * timings only when they are wanted (they grow with the text), for JSON (phonemes and words), SRT or WebVTT (one
 * cue per sentence). The samples are never kept.
 */
final class SpokenTimings {
    /** What a chunk said, without its samples. */
    record Spoken(int sentence, String text, int sampleRate, int samples, int silenceSamples, List<Timing> phonemes, List<Timing> words) {
        double seconds() {
            return samples / (double) sampleRate;
        }
    }

    private final List<Spoken> spoken = new ArrayList<>();
    private final boolean keepTimings;
    private double seconds;
    private int sentences;
    private int lastSentence = -1;

    /** @param keepTimings whether {@link #write(Path)} will be called (else only the totals are kept) */
    SpokenTimings(boolean keepTimings) {
        this.keepTimings = keepTimings;
    }

    /** {@code stream}, recording each chunk's timings into this as it passes. */
    AudioStream recording(AudioStream stream) {
        return new ReadOnceAudioStream() {
            private Iterator<AudioChunk> it;

            @Override
            public int sampleRate() {
                return stream.sampleRate();
            }

            @Override
            protected AudioChunk produce() {
                if (it == null) {
                    it = stream.iterator();
                }
                if (!it.hasNext()) {
                    if (seconds == 0) {
                        // Thrown before a file is committed: no empty file is left behind.
                        throw new IllegalArgumentException("nothing to say: the text gave no speech (pass TEXT or pipe it on stdin)");
                    }
                    return null;
                }
                AudioChunk c = it.next();
                seconds += c.seconds();
                if (!c.text().isEmpty() && c.sentence() != lastSentence) {
                    sentences++;
                    lastSentence = c.sentence();
                }
                if (keepTimings) {
                    spoken.add(new Spoken(c.sentence(), c.text(), c.sampleRate(), c.samples().length, c.silenceSamples(), c.phonemeTimings(),
                            c.wordTimings()));
                }
                return c;
            }

            @Override
            public void close() {
                stream.close();
            }
        };
    }

    /** Seconds of audio spoken. */
    double seconds() {
        return seconds;
    }

    /** The sentences spoken (pauses excluded). */
    int sentences() {
        return sentences;
    }

    /** Writes {@code file}: .srt or .vtt subtitles by its name, else JSON. Atomically. */
    void write(Path file) throws IOException {
        if (!keepTimings) {
            throw new IllegalStateException("timings were not recorded");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String content = name.endsWith(".srt") || name.endsWith(".vtt") ? subtitles(spoken, name.endsWith(".vtt")) : json(spoken);
        AtomicFiles.write(file, tmp -> Files.writeString(tmp, content));
    }

    /**
     * One cue per sentence, from its first word's start to its last word's end; for voices without word timings,
     * from the start of the sentence's audio to its end (trailing silence excluded).
     */
    static String subtitles(List<Spoken> chunks, boolean vtt) {
        StringBuilder sb = new StringBuilder(vtt ? "WEBVTT\n\n" : "");
        double offset = 0;
        int cue = 0;
        int sentence = -1;
        double start = 0;
        double end = 0;
        boolean words = false;
        String text = "";
        for (Spoken c : chunks) {
            if (c.text().isEmpty()) { // an SSML pause: time passes, no cue
                offset += c.seconds();
                continue;
            }
            if (c.sentence() != sentence) {
                if (sentence >= 0) {
                    cue = appendCue(sb, cue, start, end, text, vtt);
                }
                sentence = c.sentence();
                text = c.text();
                start = offset;
                words = false;
            }
            for (Timing w : c.words()) {
                if (!words) {
                    start = offset + w.startSeconds(c.sampleRate());
                    words = true;
                }
                end = offset + w.endSeconds(c.sampleRate());
            }
            if (!words) {
                end = offset + (c.samples() - c.silenceSamples()) / (double) c.sampleRate();
            }
            offset += c.seconds();
        }
        if (sentence >= 0) {
            appendCue(sb, cue, start, end, text, vtt);
        }
        return sb.toString();
    }

    /** Appends cue number {@code count + 1} (if it spans any time) and returns the cue count. */
    private static int appendCue(StringBuilder sb, int count, double start, double end, String text, boolean vtt) {
        if (!(end > start)) {
            return count;
        }
        sb.append(count + 1).append('\n').append(clock(start, vtt)).append(" --> ").append(clock(end, vtt)).append('\n')
                .append(text).append("\n\n");
        return count + 1;
    }

    private static String clock(double seconds, boolean vtt) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%s%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, vtt ? "." : ",", ms % 1000);
    }

    /**
     * {"chunks":[{"sentence":n,"text":..,"start":s,"phonemes":[[label,start,end],..],"words":[..]}]}, times in seconds
     * from the start of the audio; each chunk lists the phonemes and words that start in it.
     */
    static String json(List<Spoken> chunks) {
        StringBuilder sb = new StringBuilder("{\"chunks\":[");
        double offset = 0;
        for (int i = 0; i < chunks.size(); i++) {
            Spoken c = chunks.get(i);
            int rate = c.sampleRate();
            sb.append(i == 0 ? "" : ",").append("{\"sentence\":").append(c.sentence()).append(",\"text\":").append(quote(c.text()))
                    .append(",\"start\":").append(String.format(Locale.ROOT, "%.4f", offset)).append(",\"phonemes\":");
            appendSpans(sb, c.phonemes(), rate, offset);
            sb.append(",\"words\":");
            appendSpans(sb, c.words(), rate, offset);
            sb.append('}');
            offset += c.seconds();
        }
        return sb.append("]}\n").toString();
    }

    private static void appendSpans(StringBuilder sb, List<Timing> spans, int rate, double offset) {
        sb.append('[');
        for (int i = 0; i < spans.size(); i++) {
            Timing t = spans.get(i);
            sb.append(i == 0 ? "" : ",").append('[').append(quote(t.label())).append(',')
                    .append(String.format(Locale.ROOT, "%.4f,%.4f", offset + t.startSeconds(rate), offset + t.endSeconds(rate))).append(']');
        }
        sb.append(']');
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
