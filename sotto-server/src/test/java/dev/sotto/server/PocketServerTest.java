package dev.sotto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.api.Voice;
import dev.sotto.pocket.PocketFixtures;
import dev.sotto.tensor.GgmlType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Pocket TTS voice served beside a Piper voice: its preset voices are listed and selectable by name. */
class PocketServerTest {
    @TempDir
    Path dir;

    @Test
    void presetVoicesAreListedAndSelectable() throws Exception {
        Path model = dir.resolve("pocket-tiny.gguf");
        Files.copy(PocketFixtures.gguf("tiny", GgmlType.F32), model);
        Files.createDirectories(dir.resolve("pocket-tiny.voices"));
        Files.copy(PocketFixtures.file("tiny/voice.safetensors"), dir.resolve("pocket-tiny.voices").resolve("alba.safetensors"));
        try (VoiceRegistry voices = new VoiceRegistry().add("tiny-voice", Voice.load(SpeechServerTest.tinyVoice(dir)))
                .add("pocket-tiny", Voice.load(model));
             SpeechServer server = new SpeechServer(ServerConfig.defaults().withPort(0).withCacheBytes(0), voices).start()) {
            String list = SpeechServerTest.get(server.port(), "/v1/voices").body();
            assertTrue(list.contains("\"name\":\"pocket-tiny\"") && list.contains("\"family\":\"Pocket TTS\"")
                    && list.contains("\"preset_voices\":[\"alba\"]") && list.contains("CC-BY-4.0"), list);
            for (String name : new String[] {"alba", "pocket-tiny:alba", "pocket-tiny"}) {
                var r = SpeechServerTest.post(server.port(), "{\"model\":\"tts-1\",\"input\":\"Hello there.\",\"voice\":\"" + name
                        + "\",\"response_format\":\"wav\"}");
                assertEquals(200, r.statusCode(), name + ": " + new String(r.body()));
                assertEquals("24000", r.headers().firstValue("X-Sotto-Sample-Rate").orElseThrow(), name);
                assertTrue(r.body().length > 44 + 1920 * 2, name);
            }
            var bad = SpeechServerTest.post(server.port(), "{\"model\":\"tts-1\",\"input\":\"Hi.\",\"voice\":\"pocket-tiny:nobody\"}");
            assertEquals(400, bad.statusCode());
            assertTrue(new String(bad.body()).contains("unknown voice"), new String(bad.body()));
        }
    }
}
