package dev.sotto.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.gguf.GgufFile;
import dev.sotto.tensor.GgmlType;
import dev.sotto.vits.VitsModel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Catalog, downloads and installs against a local HTTP server started by the test (no network). */
class VoiceInstallerTest {
    @TempDir
    Path dir;
    private LocalFileServer server;
    private VoiceHome home;
    private byte[] onnx;
    private byte[] config;

    static Path fixture(String name) {
        return dev.sotto.onnx.testing.PiperFixtures.onnx("tiny-r2").resolveSibling(name);
    }

    private static String entry(String key, String lang, String dirPath, byte[] onnx, String onnxMd5, byte[] config, String... aliases)
            throws CatalogException {
        return "\"" + key + "\":{\"key\":\"" + key + "\",\"name\":\"" + key.split("-")[1] + "\",\"language\":{\"code\":\"" + lang
                + "\",\"name_english\":\"English\"},\"quality\":\"medium\",\"num_speakers\":1,\"speaker_id_map\":{},\"aliases\":["
                + String.join(",", Arrays.stream(aliases).map(a -> "\"" + a + "\"").toList()) + "],\"files\":{"
                + "\"" + dirPath + "/" + key + ".onnx\":{\"size_bytes\":" + onnx.length + ",\"md5_digest\":\"" + onnxMd5 + "\"},"
                + "\"" + dirPath + "/" + key + ".onnx.json\":{\"size_bytes\":" + config.length + ",\"md5_digest\":\"" + md5(config) + "\"},"
                + "\"" + dirPath + "/MODEL_CARD\":{\"size_bytes\":3,\"md5_digest\":\"x\"}}}";
    }

    private static String md5(byte[] b) throws CatalogException {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new CatalogException("no md5");
        }
    }

    @BeforeEach
    void start() throws Exception {
        onnx = Files.readAllBytes(fixture("tiny-r2.onnx"));
        config = Files.readAllBytes(fixture("tiny-r2.onnx.json"));
        String catalog = "{" + entry("en_US-tiny-medium", "en_US", "en/en_US/tiny/medium", onnx, md5(onnx), config, "tiny") + ","
                + entry("en_GB-bad-low", "en_GB", "en/en_GB/bad/low", onnx, "0123456789abcdef0123456789abcdef", config) + ","
                + entry("de_DE-gone-low", "de_DE", "de/de_DE/gone/low", onnx, md5(onnx), config) + ","
                + entry("fr_FR-slow-low", "fr_FR", "fr/fr_FR/slow/low", onnx, md5(onnx), config) + "}";
        server = new LocalFileServer("repo");
        Map<String, byte[]> files = server.files;
        files.put("voices.json", catalog.getBytes(StandardCharsets.UTF_8));
        for (String d : new String[] {"en/en_US/tiny/medium/en_US-tiny-medium", "en/en_GB/bad/low/en_GB-bad-low", "fr/fr_FR/slow/low/fr_FR-slow-low"}) {
            files.put(d + ".onnx", onnx);
            files.put(d + ".onnx.json", config);
        }
        server.stall.put("fr/fr_FR/slow/low/fr_FR-slow-low.onnx", true);
        home = new VoiceHome(dir.resolve("home"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private VoiceInstaller installer(Duration stallTimeout) {
        return new VoiceInstaller(home, server.url(), stallTimeout);
    }

    private void assertNothingInstalled() throws IOException {
        assertEquals(List.of(), home.installedNames());
        if (Files.isDirectory(home.voicesDir())) {
            try (Stream<Path> s = Files.list(home.voicesDir())) {
                assertEquals(List.of(), s.toList(), "no temporary files left in voices/");
            }
        }
    }

    @Test
    void catalogListsFiltersAndResolvesAliases() throws Exception {
        VoiceCatalog c = installer(Duration.ofSeconds(5)).catalog();
        assertEquals(4, c.size());
        assertEquals(List.of("en_GB-bad-low", "en_US-tiny-medium"), c.list("en").stream().map(VoiceCatalog.Entry::key).toList());
        assertEquals(List.of("en_US-tiny-medium"), c.list("en-US").stream().map(VoiceCatalog.Entry::key).toList());
        assertEquals("en_US-tiny-medium", c.find("tiny").key());
        assertNull(c.find("nope"));
        assertEquals(onnx.length + config.length, c.find("tiny").downloadBytes());
    }

    @Test
    void installsAVerifiedConvertedVoiceAtomically() throws Exception {
        Map<String, Long> progress = new ConcurrentHashMap<>();
        Path installed = installer(Duration.ofSeconds(5)).install("tiny", GgmlType.Q8_0, true, (f, done, total) -> progress.put(f, done));
        assertEquals(home.voicePath("en_US-tiny-medium"), installed);
        assertEquals(List.of("en_US-tiny-medium"), home.installedNames());
        try (VitsModel m = VitsModel.load(GgufFile.open(installed))) {
            assertTrue(m.config().sampleRate() > 0);
        }
        assertTrue(Files.exists(home.voicesDir().resolve("en_US-tiny-medium.onnx")), "--keep-onnx keeps the Piper files");
        assertFalse(Files.exists(dir.resolve("home/downloads/en_US-tiny-medium")), "downloads are cleaned up");
        assertEquals(Map.of("en_US-tiny-medium.onnx", (long) onnx.length, "en_US-tiny-medium.onnx.json", (long) config.length), progress);
        assertTrue(home.remove("en_US-tiny-medium"));
        assertNothingInstalled();
        assertFalse(home.remove("en_US-tiny-medium"));
    }

    @Test
    void aCorruptedFileIsRefusedAndRemoved() throws Exception {
        CatalogException e = assertThrows(CatalogException.class, () -> installer(Duration.ofSeconds(5)).install("en_GB-bad-low", GgmlType.F32, false,
                VoiceInstaller.Progress.NONE));
        assertTrue(e.getMessage().contains("corrupted: MD5"), e.getMessage());
        assertNothingInstalled();
        assertFalse(Files.exists(dir.resolve("home/downloads/en_GB-bad-low/en_GB-bad-low.onnx.part")));
    }

    @Test
    void aTruncatedTransferResumesWithARangeRequest() throws Exception {
        server.truncateOnce.put("en/en_US/tiny/medium/en_US-tiny-medium.onnx", true);
        VoiceInstaller installer = installer(Duration.ofSeconds(5));
        CatalogException e = assertThrows(CatalogException.class, () -> installer.install("en_US-tiny-medium", GgmlType.Q8_0, false,
                VoiceInstaller.Progress.NONE));
        assertTrue(e.getMessage().contains("run the same command again to resume"), e.getMessage());
        assertNothingInstalled();
        long partial = Files.size(dir.resolve("home/downloads/en_US-tiny-medium/en_US-tiny-medium.onnx.part"));
        assertTrue(partial > 0 && partial < onnx.length, "kept " + partial + " bytes to resume from");
        installer.install("en_US-tiny-medium", GgmlType.Q8_0, false, VoiceInstaller.Progress.NONE);
        assertEquals(List.of("en/en_US/tiny/medium/en_US-tiny-medium.onnx bytes=" + partial + "-"), server.rangeRequests);
        assertEquals(List.of("en_US-tiny-medium"), home.installedNames());
    }

    @Test
    void missingFilesSlowServersAndNoNetworkSayWhatHappened() throws Exception {
        CatalogException gone = assertThrows(CatalogException.class, () -> installer(Duration.ofSeconds(5)).install("de_DE-gone-low",
                GgmlType.Q8_0, false, VoiceInstaller.Progress.NONE));
        assertTrue(gone.getMessage().contains("HTTP 404"), gone.getMessage());
        CatalogException slow = assertThrows(CatalogException.class, () -> installer(Duration.ofSeconds(1)).install("fr_FR-slow-low",
                GgmlType.Q8_0, false, VoiceInstaller.Progress.NONE));
        assertTrue(slow.getMessage().contains("no data for 1 s"), slow.getMessage());
        CatalogException unknown = assertThrows(CatalogException.class, () -> installer(Duration.ofSeconds(5)).install("../../etc",
                GgmlType.Q8_0, false, VoiceInstaller.Progress.NONE));
        assertTrue(unknown.getMessage().contains("no voice '../../etc'"), unknown.getMessage());
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CatalogException offline = assertThrows(CatalogException.class, () -> new VoiceInstaller(home, "http://127.0.0.1:" + closedPort,
                Duration.ofSeconds(2)).catalog());
        assertTrue(offline.getMessage().startsWith("cannot reach http://127.0.0.1:" + closedPort + "/voices.json"), offline.getMessage());
        assertNothingInstalled();
    }

    @Test
    void hostileCatalogsAndNamesAreRefused() throws Exception {
        // One bad entry is skipped with its reason; the rest of the catalog stays usable.
        String good = entry("en_US-tiny-medium", "en_US", "en/en_US/tiny/medium", onnx, md5(onnx), config);
        String unverified = "\"en_US-nomd5-low\":{\"files\":{\"a/en_US-nomd5-low.onnx\":{\"size_bytes\":5},\"a/en_US-nomd5-low.onnx.json\":{}}}";
        VoiceCatalog c = VoiceCatalog.parse(("{\"../evil\":{}," + good + ",\"ok\":{\"files\":{\"../../etc/x.onnx\":{\"size_bytes\":1}}},"
                + unverified + "}").getBytes(StandardCharsets.UTF_8));
        assertEquals(1, c.size());
        assertEquals(3, c.skipped().size(), c.skipped().toString());
        assertTrue(c.skipped().get(0).contains("unsafe name: '../evil'"), c.skipped().toString());
        assertTrue(c.skipped().get(1).contains("unsafe file path"), c.skipped().toString());
        assertTrue(c.skipped().get(2).contains("no size or MD5"), c.skipped().toString());
        assertThrows(CatalogException.class, () -> VoiceCatalog.parse("[1]".getBytes(StandardCharsets.UTF_8)));
        assertThrows(CatalogException.class, () -> VoiceCatalog.parse("{".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> home.voicePath("../x"));
        assertNull(home.installed("../x"));
    }

    @Test
    void catalogsAndDownloadsAreBoundedAndFailuresLeaveNothing() throws Exception {
        server.stall.put("voices.json", true);
        CatalogException stalled = assertThrows(CatalogException.class, () -> installer(Duration.ofSeconds(1)).catalog());
        assertTrue(stalled.getMessage().contains("no data for 1 s"), stalled.getMessage());
        server.stall.remove("voices.json");
        // An entry that states 1,000 bytes, served by a file many times larger: cut at 1,000 and removed.
        String big = "{\"en_US-big-low\":{\"files\":{\"b/en_US-big-low.onnx\":{\"size_bytes\":1000,\"md5_digest\":\"" + md5(onnx) + "\"},"
                + "\"b/en_US-big-low.onnx.json\":{\"size_bytes\":" + config.length + ",\"md5_digest\":\"" + md5(config) + "\"}}}}";
        server.files.put("voices.json", big.getBytes(StandardCharsets.UTF_8));
        server.files.put("b/en_US-big-low.onnx", onnx);
        CatalogException tooLarge = assertThrows(CatalogException.class, () -> installer(Duration.ofSeconds(5)).install("en_US-big-low",
                GgmlType.Q8_0, false, VoiceInstaller.Progress.NONE));
        assertTrue(tooLarge.getMessage().contains("more than the 1000 bytes stated"), tooLarge.getMessage());
        assertNothingInstalled();
        try (Stream<Path> left = Files.list(home.downloadsDir())) {
            assertEquals(List.of(), left.toList(), "no partial file and no empty directory left in downloads/");
        }
    }

    @Test
    void dataDirectoryFollowsThePlatform() {
        assertEquals(Path.of("/data/s"), VoiceHome.defaultRoot(Map.of("SOTTO_HOME", "/data/s"), "Linux", "/home/u"));
        assertEquals(Path.of("/home/u/.local/share/sotto"), VoiceHome.defaultRoot(Map.of(), "Linux", "/home/u"));
        assertEquals(Path.of("/x/sotto"), VoiceHome.defaultRoot(Map.of("XDG_DATA_HOME", "/x"), "Linux", "/home/u"));
        assertEquals(Path.of("/Users/u/Library/Application Support/sotto"), VoiceHome.defaultRoot(Map.of(), "Mac OS X", "/Users/u"));
    }
}
