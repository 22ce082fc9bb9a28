package dev.sotto.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.sotto.gguf.GgufFile;
import dev.sotto.pocket.PocketFixtures;
import dev.sotto.pocket.PocketModel;
import dev.sotto.pocket.convert.PocketConfigs;
import dev.sotto.tensor.GgmlType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installing a Pocket TTS variant from a local server laid out like Kyutai's repository ({@code REVISION/PATH}, sizes and
 * SHA-256 stated as Hugging Face states them), with the tiny fixture model standing in for a published variant.
 */
class PocketInstallerTest {
    @TempDir
    Path dir;

    private LocalFileServer server;
    private final Map<String, String> wrongDigest = new ConcurrentHashMap<>();
    private VoiceHome home;
    private PocketInstaller.Variant tiny;

    @BeforeEach
    void start() throws IOException {
        ObjectNode config = (ObjectNode) PocketConfigs.read(PocketFixtures.file("tiny/config.json"));
        config.put("weights_path_without_voice_cloning", "hf://kyutai/test/languages/tiny/model.safetensors@rev1");
        ((ObjectNode) config.path("flow_lm").path("lookup_table")).put("tokenizer_path", "hf://kyutai/test/languages/tiny/tokenizer.model@rev1");
        tiny = PocketInstaller.variant("tiny", config);
        server = new LocalFileServer("resolve", this::hubHeaders);
        Map<String, byte[]> files = server.files;
        files.put("rev1/languages/tiny/model.safetensors", Files.readAllBytes(PocketFixtures.file("tiny/model.safetensors")));
        files.put("rev1/languages/tiny/tokenizer.model", Files.readAllBytes(PocketFixtures.file("tokenizer.model")));
        byte[] voice = Files.readAllBytes(PocketFixtures.file("tiny/voice.safetensors"));
        files.put("rev1/languages/tiny/embeddings/alba.safetensors", voice);
        files.put("rev1/languages/tiny/embeddings/marius.safetensors", voice);
        home = new VoiceHome(dir.resolve("home"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Size and SHA-256 as Hugging Face states them for files stored with LFS. */
    private void hubHeaders(String path, HttpExchange ex) {
        byte[] body = server.files.get(path);
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            ex.getResponseHeaders().set("X-Linked-Etag", "\"" + wrongDigest.getOrDefault(path, sha) + "\"");
            ex.getResponseHeaders().set("X-Linked-Size", String.valueOf(body.length));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private PocketInstaller installer() {
        return new PocketInstaller(home, server.url(), Duration.ofSeconds(5), List.of(tiny));
    }

    @Test
    void installsTheModelAndItsVoices() throws Exception {
        Path installed = installer().install("pocket-tiny", GgmlType.Q8_0, List.of("alba", "marius", "nobody"), VoiceInstaller.Progress.NONE);
        assertEquals(home.voicePath("pocket-tiny"), installed);
        assertTrue(home.installedNames().contains("pocket-tiny"));
        try (PocketModel m = PocketModel.load(GgufFile.open(installed), installed)) {
            assertEquals(List.of("alba", "marius"), m.info().voices(), "a voice the repository does not have is skipped");
            assertEquals("alba", m.info().defaultVoice());
            assertTrue(m.info().attribution().contains("CC-BY-4.0"), m.info().attribution());
        }
        assertFalse(Files.exists(home.downloadsDir().resolve("pocket-tiny")), "downloads are cleaned up");
        assertTrue(home.remove("pocket-tiny"));
        assertFalse(Files.exists(home.presetVoicesDir("pocket-tiny")), "remove takes the preset voices too");
    }

    @Test
    void aCorruptedFileInstallsNothing() throws Exception {
        wrongDigest.put("rev1/languages/tiny/model.safetensors", "0".repeat(64));
        CatalogException e = assertThrows(CatalogException.class, () -> installer().install("tiny", GgmlType.F32, null, VoiceInstaller.Progress.NONE));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        assertTrue(home.installedNames().isEmpty());
        assertFalse(Files.exists(home.presetVoicesDir("pocket-tiny")));
        CatalogException unknown = assertThrows(CatalogException.class, () -> installer().install("pocket-klingon", GgmlType.F32, null,
                VoiceInstaller.Progress.NONE));
        assertTrue(unknown.getMessage().contains("pocket-tiny"), unknown.getMessage());
    }

    @Test
    void thePublishedVariantsAreAllKnown() {
        List<PocketInstaller.Variant> all = PocketInstaller.published();
        assertEquals(12, all.size());
        PocketInstaller.Variant en = all.stream().filter(v -> v.name().equals("english_2026-04")).findFirst().orElseThrow();
        assertEquals("languages/english_2026-04/model.safetensors", en.weightsPath());
        assertEquals("en", en.language());
        assertTrue(en.knownVoices().contains("alba"));
        PocketInstaller.Variant fr = all.stream().filter(v -> v.name().equals("french_24l")).findFirst().orElseThrow();
        assertEquals(List.of("estelle"), fr.knownVoices());
    }
}
