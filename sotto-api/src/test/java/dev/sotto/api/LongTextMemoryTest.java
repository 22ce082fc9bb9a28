package dev.sotto.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.onnx.testing.PiperFixtures;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 100 KB text streams in bounded memory: nothing of the spoken audio is retained, even with a phrase cache on.
 * Fastest settings (speed 4, low power): the point is memory, not sound.
 */
class LongTextMemoryTest {
    private static final String[] SENTENCES = {
        "The committee met on Tuesday to discuss the budget for next year.",
        "Nobody expected the weather to turn so quickly, but it did.",
        "She counted 42 boats in the harbour before sunset.",
        "Is this the road that leads to the old mill?",
        "Please remember to water the plants while I am away!",
        "In 1999, the bridge was rebuilt with stronger steel.",
        "He laughed, shook his head, and walked back into the kitchen.",
        "Our train leaves at 7:45 am from platform three.",
    };

    @TempDir
    Path dir;

    @Test
    void hundredKilobytesOfTextStreamInBoundedMemory() throws IOException {
        Path gguf = PiperFixtures.gguf("tiny-r2", GgmlType.Q8_0, dir.resolve("tiny.gguf"));
        StringBuilder text = new StringBuilder();
        Random rnd = new Random(11);
        while (text.length() < 100_000) {
            text.append(SENTENCES[rnd.nextInt(SENTENCES.length)]).append(rnd.nextInt(6) == 0 ? "\n\n" : " ");
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (Voice voice = Voice.load(gguf)) {
            voice.useCache(PhraseCache.inMemory(1 << 20));
            long audioBytes = 0;
            long baseline = -1;
            long highest = 0;
            int chunks = 0;
            try (SpeechStream s = voice.synthesize(text.toString(), SynthesisOptions.builder().phonemizer("java").sentenceSilence(0).speed(4f).lowPower(true).build())) {
                for (AudioChunk c : s) {
                    audioBytes += 4L * c.samples().length;
                    if (++chunks % 300 == 0) {
                        System.gc();
                        long used = memory.getHeapMemoryUsage().getUsed();
                        if (baseline < 0) {
                            baseline = used;
                        }
                        highest = Math.max(highest, used);
                    }
                }
            }
            long growth = highest - baseline;
            System.out.printf("[memory] 100 KB text: %d chunks, %.0f MB of audio produced, heap growth after the first 300 chunks %.1f MB%n",
                    chunks, audioBytes / 1e6, growth / 1e6);
            assertTrue(audioBytes > 200_000_000L, "the text produced " + audioBytes + " bytes of audio");
            assertTrue(growth < 32_000_000L, "heap grew by " + growth + " bytes while streaming");
        }
    }
}
