package dev.sotto.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Piper voice's phoneme id map, applied the Piper way: one code point is one phoneme; a sentence becomes
 * {@code ^ _ p1 _ p2 _ ... pn _ $} (BOS, pad after every phoneme, EOS); phonemes the voice does not know are
 * skipped (no pad added for them) and reported. A voice's {@code phoneme_map} (phoneme -> phonemes) is applied
 * first, as Piper does.
 */
public final class PhonemeIdMap {
    public static final String PAD = "_";
    public static final String BOS = "^";
    public static final String EOS = "$";

    private final Map<Integer, int[]> ids = new HashMap<>();
    private final Map<Integer, int[]> phonemeMap = new HashMap<>(); // code point -> replacement code points

    /** @param map phoneme (one code point) -> ids, as in a Piper config's {@code phoneme_id_map} */
    public PhonemeIdMap(Map<String, int[]> map) {
        this(map, Map.of());
    }

    /**
     * @param map phoneme (one code point) -> ids, as in a Piper config's {@code phoneme_id_map}
     * @param phonemeMap phoneme -> the phonemes it stands for, as in a Piper config's {@code phoneme_map}
     */
    public PhonemeIdMap(Map<String, int[]> map, Map<String, List<String>> phonemeMap) {
        for (Map.Entry<String, List<String>> e : phonemeMap.entrySet()) {
            String key = e.getKey();
            if (key.codePointCount(0, key.length()) == 1) {
                phonemeMap(key.codePointAt(0), e.getValue());
            }
        }
        for (Map.Entry<String, int[]> e : map.entrySet()) {
            String key = e.getKey();
            if (key.codePointCount(0, key.length()) != 1) {
                continue; // multi-character entries (vowel clusters) are not used by Piper's espeak voices
            }
            ids.put(key.codePointAt(0), e.getValue().clone());
        }
        for (String required : new String[] {PAD, BOS, EOS}) {
            if (!ids.containsKey(required.codePointAt(0))) {
                throw new IllegalArgumentException("the phoneme id map has no '" + required + "'");
            }
        }
    }

    private void phonemeMap(int from, List<String> to) {
        this.phonemeMap.put(from, String.join("", to).codePoints().toArray());
    }

    /**
     * Ids of one sentence, the symbol each id stands for ("^", "_", "$" or the phoneme), and the phonemes that
     * had to be skipped.
     */
    public record Ids(int[] ids, String[] symbols, Set<String> unknown) {
    }

    public Ids sentence(String phonemes) {
        List<Integer> out = new ArrayList<>();
        List<String> symbols = new ArrayList<>();
        Set<String> unknown = new LinkedHashSet<>();
        add(out, symbols, BOS.codePointAt(0));
        add(out, symbols, PAD.codePointAt(0));
        phonemes.codePoints().flatMap(cp -> phonemeMap.containsKey(cp) ? java.util.Arrays.stream(phonemeMap.get(cp))
                : java.util.stream.IntStream.of(cp)).forEach(cp -> {
            if (ids.containsKey(cp)) {
                add(out, symbols, cp);
                add(out, symbols, PAD.codePointAt(0));
            } else {
                unknown.add(new String(Character.toChars(cp)));
            }
        });
        add(out, symbols, EOS.codePointAt(0));
        return new Ids(out.stream().mapToInt(Integer::intValue).toArray(), symbols.toArray(String[]::new), unknown);
    }

    private void add(List<Integer> out, List<String> symbols, int codePoint) {
        for (int id : ids.get(codePoint)) {
            out.add(id);
            symbols.add(new String(Character.toChars(codePoint)));
        }
    }
}
