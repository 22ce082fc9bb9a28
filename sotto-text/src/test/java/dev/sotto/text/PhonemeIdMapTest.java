package dev.sotto.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhonemeIdMapTest {
    private static final PhonemeIdMap MAP = new PhonemeIdMap(Map.of("_", new int[] {0}, "^", new int[] {1}, "$", new int[] {2},
            "h", new int[] {20}, "ə", new int[] {59}, "ˈ", new int[] {120}, " ", new int[] {3}, ".", new int[] {10}));

    @Test
    void piperLayoutWithPads() {
        PhonemeIdMap.Ids ids = MAP.sentence("hˈə h.");
        assertArrayEquals(new int[] {1, 0, 20, 0, 120, 0, 59, 0, 3, 0, 20, 0, 10, 0, 2}, ids.ids());
        assertEquals(Set.of(), ids.unknown());
    }

    @Test
    void unknownPhonemesAreSkippedWithoutPadAndReported() {
        PhonemeIdMap.Ids ids = MAP.sentence("hxə😀");
        assertArrayEquals(new int[] {1, 0, 20, 0, 59, 0, 2}, ids.ids());
        assertEquals(Set.of("x", "😀"), ids.unknown());
    }

    @Test
    void mapMustHaveThePiperSymbols() {
        assertThrows(IllegalArgumentException.class, () -> new PhonemeIdMap(Map.of("a", new int[] {5})));
    }

    @Test
    void thePhonemeMapIsAppliedFirst() {
        Map<String, int[]> raw = new java.util.HashMap<>();
        raw.put("_", new int[] {0});
        raw.put("^", new int[] {1});
        raw.put("$", new int[] {2});
        raw.put("h", new int[] {20});
        raw.put("ə", new int[] {59});
        PhonemeIdMap mapped = new PhonemeIdMap(raw, Map.of("x", java.util.List.of("h", "ə"), "e", java.util.List.of("ə")));
        PhonemeIdMap.Ids ids = mapped.sentence("xe");
        assertArrayEquals(new int[] {1, 0, 20, 0, 59, 0, 59, 0, 2}, ids.ids());
        assertEquals(Set.of(), ids.unknown());
    }
}
