package dev.sotto.vits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sotto.gguf.GgufFormatException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code phoneme_map} of a Piper config, read with {@link dev.sotto.io.JsonText}. */
class PhonemeMapTest {
    @Test
    void phonemeMapOfPiperConfigs() throws Exception {
        assertEquals(Map.of(), PiperConfig.phonemeMapOf("{\"phoneme_map\": {}, \"x\": 1}"));
        assertEquals(Map.of(), PiperConfig.phonemeMapOf("{\"audio\": {\"sample_rate\": 22050}}"));
        assertEquals(Map.of(), PiperConfig.phonemeMapOf("[1]"));
        assertEquals(Map.of("a", List.of("b", "c"), "d", List.of()), PiperConfig.phonemeMapOf(
                "{\"phoneme_map\": {\"a\": [\"b\", \"c\"], \"d\": \"not a list\"}}"));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> PiperConfig.phonemeMapOf("{\"phoneme_map\": "));
        assertTrue(e.getMessage().contains("piper.config_json is not valid JSON"), e.getMessage());
    }


    @Test
    void anEmptyConfigHasNoMap() throws Exception {
        assertEquals(Map.of(), PiperConfig.phonemeMapOf(""));
        assertEquals(Map.of(), PiperConfig.phonemeMapOf("  "));
    }
}
