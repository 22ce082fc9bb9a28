package dev.sotto.api;

import dev.sotto.text.SentenceSplitter;
import dev.sotto.text.Ssml;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a request says, in speaking order: runs of text with the prosody their markup gives them, and pauses. Plain
 * text is one run; SSML gives a run per prosody span and a pause per break. Runs are split into sentences when the
 * model speaks one sentence at a time (phoneme-based voices); a model that splits text itself gets whole runs.
 */
final class SpeechPlan {
    private SpeechPlan() {
    }

    /**
     * A run of text to speak, with the prosody its markup gives it (relative to the request's options), or a
     * pause (empty text).
     */
    record Piece(String text, float rate, float pitchSemitones, float volumeDb, int pauseSamples) {
        boolean isPause() {
            return text.isEmpty();
        }
    }

    /** Most silence SSML breaks may add to one request, in seconds (a few breaks of any length fit; a wall of them does not). */
    static final double MAX_TOTAL_PAUSE_SECONDS = 60;

    /** The pieces of {@code text}. SSML errors surface here, before any audio. */
    static Deque<Piece> of(String text, boolean ssml, boolean splitSentences, int sampleRate) {
        Deque<Piece> out = new ArrayDeque<>();
        SentenceSplitter splitter = new SentenceSplitter();
        if (!ssml) {
            addRun(out, text, 1f, 0f, 0f, splitSentences, splitter);
            return out;
        }
        double pauses = 0;
        for (Ssml.Segment seg : Ssml.parse(text)) {
            if (seg.isPause()) {
                pauses += seg.pauseSeconds();
                if (pauses > MAX_TOTAL_PAUSE_SECONDS) {
                    throw new IllegalArgumentException("invalid SSML: its breaks add up to more than " + (int) MAX_TOTAL_PAUSE_SECONDS
                            + " s of silence, the most one request may hold");
                }
                out.add(new Piece("", 1f, 0f, 0f, Math.round(seg.pauseSeconds() * sampleRate)));
            } else {
                addRun(out, seg.text(), seg.rate(), seg.pitchSemitones(), seg.volumeDb(), splitSentences, splitter);
            }
        }
        return out;
    }

    private static void addRun(Deque<Piece> out, String text, float rate, float pitch, float volume, boolean split,
                               SentenceSplitter splitter) {
        if (!split) {
            if (!text.isBlank()) {
                out.add(new Piece(text.strip(), rate, pitch, volume, 0));
            }
            return;
        }
        for (String sentence : splitter.split(text)) {
            out.add(new Piece(sentence, rate, pitch, volume, 0));
        }
    }
}
