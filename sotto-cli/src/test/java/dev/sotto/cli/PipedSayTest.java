package dev.sotto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.api.AudioChunk;
import dev.sotto.api.AudioStream;
import dev.sotto.api.ReadOnceAudioStream;
import dev.sotto.api.Timing;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code sotto say} reading a pipe: speech starts with the first sentence, and nothing grows with the length. */
class PipedSayTest {
    @Test
    void speechStartsBeforeThePipeCloses() throws Exception {
        PipedOutputStream producer = new PipedOutputStream();
        InputStream stdin = new PipedInputStream(producer, 1 << 16);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        InputStream inBefore = System.in;
        PrintStream outBefore = System.out;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        System.setIn(stdin);
        System.setOut(new PrintStream(stdout, true));
        try {
            Future<SottoCliTest.Result> say = pool.submit(() -> SottoCliTest.run("say", "-m", SottoCliTest.voice("tiny-r2").toString(),
                    "--phonemizer", "java", "--raw"));
            producer.write("Hello there, this is the first sentence.\n".getBytes(StandardCharsets.UTF_8));
            producer.flush();
            for (int i = 0; i < 600 && stdout.size() == 0; i++) {
                Thread.sleep(50);
            }
            assertTrue(stdout.size() > 0, "no audio while the pipe is still open");
            int first = stdout.size();
            producer.write("And a second one, later.\n".getBytes(StandardCharsets.UTF_8));
            producer.close();
            SottoCliTest.Result r = say.get(60, TimeUnit.SECONDS);
            assertEquals(0, r.code(), r.err());
            assertTrue(stdout.size() > first, "the second sentence follows");
        } finally {
            System.setIn(inBefore);
            System.setOut(outBefore);
            pool.shutdownNow();
        }
    }

    @Test
    void textIsCutIntoPiecesAtSentenceEndsBlankLinesAndALimit() throws Exception {
        PipedText t = new PipedText(new StringReader("One line that goes\non. Next sentence.\n\nA paragraph without a stop\n\n"
                + "word ".repeat(2000) + "\nlast"));
        assertEquals("One line that goes\non. Next sentence.", t.next());
        assertEquals("A paragraph without a stop", t.next());
        String limited = t.next();
        assertTrue(limited.length() <= PipedText.MAX_PIECE_CHARS && limited.endsWith("word"), limited.length() + " chars");
        StringBuilder rest = new StringBuilder();
        for (String p = t.next(); p != null; p = t.next()) {
            rest.append(p).append(' ');
        }
        assertTrue(rest.toString().replaceAll("\\s+", " ").strip().endsWith("word last"), rest.toString());
    }

    /**
     * A very long stream written through the recorder without --timings: its per-chunk timings must not be kept
     * (80,000 chunks of 4,000 timings would need 2.5 GB for the lists alone; the test JVM has 2 GB).
     */
    @Test
    void spokenTotalsDoNotKeepTimings() throws Exception {
        List<Timing> many = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            many.add(new Timing("w" + i, i, i + 1));
        }
        AudioStream endless = new ReadOnceAudioStream() {
            private int n;

            @Override
            public int sampleRate() {
                return 16_000;
            }

            @Override
            protected AudioChunk produce() {
                if (n == 80_000) {
                    return null;
                }
                // Fresh copies each time, as a voice makes them.
                return new AudioChunk(new float[160], 16_000, n, n++, "Words.", "", new ArrayList<>(many), new ArrayList<>(many), 0);
            }

            @Override
            public void close() {
            }
        };
        SpokenTimings spoken = new SpokenTimings(false);
        try (AudioStream s = spoken.recording(endless)) {
            s.writePcm(OutputStream.nullOutputStream());
        }
        assertEquals(80_000, spoken.sentences());
        assertEquals(80_000 * 0.01, spoken.seconds(), 1e-6);
    }
}
