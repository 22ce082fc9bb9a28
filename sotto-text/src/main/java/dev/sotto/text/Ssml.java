package dev.sotto.text;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The SSML subset sotto speaks, turned into {@link Segment}s of plain text (with inline {@code [[ IPA ]]}) and
 * pauses, each with its prosody relative to the request's:
 * <ul>
 *   <li>{@code speak} (the root), {@code p} and {@code s} (sentence breaks);</li>
 *   <li>{@code break}: {@code time="500ms"|"1.5s"} (at most 10 s) or {@code strength} none..x-strong
 *       (0, 0.1, 0.2, 0.4, 0.7, 1.2 s);</li>
 *   <li>{@code prosody}: {@code rate} (x-slow 0.6, slow 0.8, medium 1, fast 1.25, x-fast 1.6, or a percentage:
 *       "80%", "+20%"), {@code pitch} ("+2st", "-10%", x-low -4 st, low -2, medium 0, high +2, x-high +4) and
 *       {@code volume} ("+6dB", silent, x-soft -12 dB, soft -6, medium 0, loud +4, x-loud +8); nested values
 *       multiply (rate) or add (pitch, volume);</li>
 *   <li>{@code say-as interpret-as=}characters (spell-out), cardinal, ordinal, date (format mdy, dmy, ymd, md, dm,
 *       ym, my, y; default mdy), telephone; other values read the content as text;</li>
 *   <li>{@code sub alias}, {@code phoneme ph} (IPA; alphabet "ipa" or none), {@code emphasis} (strong: rate 0.85,
 *       +2 st, +4 dB; moderate: 0.92, +1 st, +2 dB; reduced: 1.08, -1 st, -3 dB; none).</li>
 * </ul>
 * Other elements ({@code voice}, {@code lang}, {@code mark}, {@code audio}, ...) are read as their text content.
 * Malformed markup, a DOCTYPE, bad attribute values and nesting deeper than {@value #MAX_DEPTH} are refused with
 * an {@link SsmlException} that says where and why. English word forms (say-as) follow {@link NumberWords}.
 */
public final class Ssml {
    /** Deepest element nesting accepted. */
    public static final int MAX_DEPTH = 64;
    /** Longest pause a break may ask for, seconds. */
    public static final float MAX_BREAK_SECONDS = 10f;

    /**
     * A run of text spoken with one prosody, or a pause (empty text, {@code pauseSeconds} > 0).
     *
     * @param rate speaking-rate factor (1 = unchanged)
     * @param pitchSemitones pitch offset
     * @param volumeDb level offset
     */
    public record Segment(String text, float rate, float pitchSemitones, float volumeDb, float pauseSeconds) {
        public boolean isPause() {
            return text.isEmpty();
        }
    }

    private record Prosody(float rate, float pitch, float volume) {
        static final Prosody NEUTRAL = new Prosody(1f, 0f, 0f);
    }

    private final List<Segment> segments = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private Prosody textProsody = Prosody.NEUTRAL;

    private Ssml() {
    }

    /** Whether {@code input} looks like SSML (starts with {@code <speak}, or an XML declaration). */
    public static boolean looksLikeSsml(String input) {
        String s = input.stripLeading();
        return s.startsWith("<speak") || s.startsWith("<?xml");
    }

    /** The segments of an SSML document. */
    public static List<Segment> parse(String ssml) {
        Document doc = read(ssml);
        Element root = doc.getDocumentElement();
        if (!localName(root).equals("speak")) {
            throw new SsmlException("the root element must be <speak>, not <" + localName(root) + ">");
        }
        Ssml s = new Ssml();
        s.walk(root, Prosody.NEUTRAL, 0);
        s.flush();
        return List.copyOf(s.segments);
    }

    private static Document read(String ssml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b.parse(new InputSource(new StringReader(ssml)));
        } catch (SAXParseException e) {
            throw new SsmlException("invalid SSML at line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage());
        } catch (SAXException e) {
            throw new SsmlException("invalid SSML: " + e.getMessage());
        } catch (ParserConfigurationException | IOException e) {
            throw new IllegalStateException("the XML parser could not be set up", e);
        }
    }

    private void walk(Element e, Prosody p, int depth) {
        if (depth > MAX_DEPTH) {
            throw new SsmlException("SSML nests deeper than " + MAX_DEPTH + " elements");
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                addText(n.getNodeValue(), p);
            } else if (n.getNodeType() == Node.ELEMENT_NODE) {
                element((Element) n, p, depth + 1);
            }
        }
    }

    private void element(Element e, Prosody p, int depth) {
        switch (localName(e)) {
            case "p", "s" -> {
                flush();
                walk(e, p, depth);
                flush();
            }
            case "break" -> pause(breakSeconds(e));
            case "prosody" -> walk(e, new Prosody(p.rate * rate(attr(e, "rate")), p.pitch + pitch(attr(e, "pitch")),
                    p.volume + volume(attr(e, "volume"))), depth);
            case "emphasis" -> walk(e, emphasis(e, p), depth);
            case "say-as" -> addText(sayAs(e), p);
            case "sub" -> {
                String alias = attr(e, "alias");
                if (alias == null) {
                    throw new SsmlException("<sub> needs an alias attribute");
                }
                addText(" " + alias + " ", p);
            }
            case "phoneme" -> {
                String alphabet = attr(e, "alphabet");
                if (alphabet != null && !alphabet.equalsIgnoreCase("ipa")) {
                    throw new SsmlException("<phoneme alphabet=\"" + alphabet + "\"> is not supported; use alphabet=\"ipa\"");
                }
                String ph = attr(e, "ph");
                if (ph == null || ph.isBlank()) {
                    throw new SsmlException("<phoneme> needs a ph attribute with IPA");
                }
                if (ph.contains("[[") || ph.contains("]]")) {
                    throw new SsmlException("<phoneme ph> must not contain [[ or ]]");
                }
                addText(" [[" + ph.strip() + "]] ", p);
            }
            case "speak" -> throw new SsmlException("<speak> may only be the root element");
            default -> walk(e, p, depth); // voice, lang, mark, audio fallback...: their text
        }
    }

    private void addText(String s, Prosody p) {
        if (s.isBlank()) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            return;
        }
        if (!p.equals(textProsody) && !text.toString().isBlank()) {
            flush();
        }
        textProsody = p;
        text.append(s.replaceAll("\\s+", " "));
    }

    private void pause(float seconds) {
        flush();
        if (seconds > 0) {
            segments.add(new Segment("", 1f, 0f, 0f, seconds));
        }
    }

    private void flush() {
        String t = text.toString().replaceAll("\\s+", " ").replaceAll(" ([,.;:!?])", "$1").strip();
        if (!t.isEmpty()) {
            segments.add(new Segment(t, textProsody.rate, textProsody.pitch, textProsody.volume, 0f));
        }
        text.setLength(0);
    }

    // ---------------------------------------------------------------- attribute values

    private static final Pattern TIME = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s)");
    private static final Pattern PERCENT = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)%");
    private static final Pattern SEMITONES = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)st");
    private static final Pattern DECIBELS = Pattern.compile("([+-]?\\d+(?:\\.\\d+)?)dB");

    private static float breakSeconds(Element e) {
        String time = attr(e, "time");
        if (time != null) {
            Matcher m = TIME.matcher(time.strip());
            if (!m.matches()) {
                throw new SsmlException("<break time=\"" + time + "\">: expected a duration such as 500ms or 1.5s");
            }
            double v = Double.parseDouble(m.group(1)) / (m.group(2).equals("ms") ? 1000 : 1);
            if (v > MAX_BREAK_SECONDS) {
                throw new SsmlException("<break time=\"" + time + "\"> is longer than " + (int) MAX_BREAK_SECONDS + "s");
            }
            return (float) v;
        }
        String strength = attr(e, "strength");
        return switch (strength == null ? "medium" : strength) {
            case "none" -> 0f;
            case "x-weak" -> 0.1f;
            case "weak" -> 0.2f;
            case "medium" -> 0.4f;
            case "strong" -> 0.7f;
            case "x-strong" -> 1.2f;
            default -> throw new SsmlException("<break strength=\"" + strength + "\">: expected none, x-weak, weak, medium, strong or x-strong");
        };
    }

    private static float rate(String v) {
        if (v == null) {
            return 1f;
        }
        float r = switch (v.strip()) {
            case "x-slow" -> 0.6f;
            case "slow" -> 0.8f;
            case "medium", "default" -> 1f;
            case "fast" -> 1.25f;
            case "x-fast" -> 1.6f;
            default -> {
                Matcher m = PERCENT.matcher(v.strip());
                if (!m.matches()) {
                    throw new SsmlException("<prosody rate=\"" + v + "\">: expected x-slow..x-fast or a percentage such as 80% or +20%");
                }
                double pct = Double.parseDouble(m.group(1));
                boolean relative = m.group(1).startsWith("+") || m.group(1).startsWith("-");
                yield (float) (relative ? 1 + pct / 100 : pct / 100);
            }
        };
        if (!(r >= 0.25f && r <= 4f)) {
            throw new SsmlException("<prosody rate=\"" + v + "\"> is outside 25%..400%");
        }
        return r;
    }

    private static float pitch(String v) {
        if (v == null) {
            return 0f;
        }
        String s = v.strip();
        float st = switch (s) {
            case "x-low" -> -4f;
            case "low" -> -2f;
            case "medium", "default" -> 0f;
            case "high" -> 2f;
            case "x-high" -> 4f;
            default -> {
                Matcher m = SEMITONES.matcher(s);
                if (m.matches()) {
                    yield Float.parseFloat(m.group(1));
                }
                m = PERCENT.matcher(s);
                if (m.matches()) {
                    double factor = 1 + Double.parseDouble(m.group(1)) / 100;
                    if (!(factor > 0)) {
                        throw new SsmlException("<prosody pitch=\"" + v + "\"> would make the pitch zero or negative");
                    }
                    yield (float) (12 * Math.log(factor) / Math.log(2));
                }
                throw new SsmlException("<prosody pitch=\"" + v + "\">: expected x-low..x-high, semitones (+2st) or a percentage (+10%)");
            }
        };
        if (!(st >= -12f && st <= 12f)) {
            throw new SsmlException("<prosody pitch=\"" + v + "\"> is outside -12..+12 semitones");
        }
        return st;
    }

    private static float volume(String v) {
        if (v == null) {
            return 0f;
        }
        String s = v.strip();
        float db = switch (s) {
            case "silent" -> -60f;
            case "x-soft" -> -12f;
            case "soft" -> -6f;
            case "medium", "default" -> 0f;
            case "loud" -> 4f;
            case "x-loud" -> 8f;
            default -> {
                Matcher m = DECIBELS.matcher(s);
                if (!m.matches()) {
                    throw new SsmlException("<prosody volume=\"" + v + "\">: expected silent, x-soft..x-loud or decibels (+6dB)");
                }
                yield Float.parseFloat(m.group(1));
            }
        };
        if (!(db >= -60f && db <= 24f)) {
            throw new SsmlException("<prosody volume=\"" + v + "\"> is outside -60..+24 dB");
        }
        return db;
    }

    private static Prosody emphasis(Element e, Prosody p) {
        String level = attr(e, "level");
        return switch (level == null ? "moderate" : level) {
            case "strong" -> new Prosody(p.rate * 0.85f, p.pitch + 2f, p.volume + 4f);
            case "moderate" -> new Prosody(p.rate * 0.92f, p.pitch + 1f, p.volume + 2f);
            case "reduced" -> new Prosody(p.rate * 1.08f, p.pitch - 1f, p.volume - 3f);
            case "none" -> p;
            default -> throw new SsmlException("<emphasis level=\"" + level + "\">: expected strong, moderate, reduced or none");
        };
    }

    // ---------------------------------------------------------------- say-as

    private static final String[] LETTERS = {"ay", "bee", "see", "dee", "ee", "eff", "gee", "aitch", "eye", "jay", "kay", "el", "em",
            "en", "oh", "pee", "cue", "ar", "ess", "tee", "you", "vee", "double you", "ex", "why", "zee"};
    private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"};

    private static String sayAs(Element e) {
        String kind = attr(e, "interpret-as");
        String content = e.getTextContent().strip();
        if (kind == null) {
            throw new SsmlException("<say-as> needs an interpret-as attribute");
        }
        return " " + switch (kind) {
            case "characters", "spell-out" -> spell(content);
            case "cardinal", "number" -> cardinal(content);
            case "ordinal" -> ordinal(content);
            case "date" -> date(content, attr(e, "format"));
            case "telephone" -> telephone(content);
            default -> content;
        } + " ";
    }

    private static String spell(String s) {
        List<String> out = new ArrayList<>();
        s.codePoints().forEach(cp -> {
            if (cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z') {
                out.add(LETTERS[Character.toLowerCase(cp) - 'a']);
            } else if (cp >= '0' && cp <= '9') {
                out.add(NumberWords.cardinal(cp - '0'));
            } else if (!Character.isWhitespace(cp)) {
                out.add(new String(Character.toChars(cp)));
            }
        });
        return String.join(" ", out);
    }

    private static String cardinal(String s) {
        String digits = s.replace(",", "").replace("_", "").strip();
        boolean negative = digits.startsWith("-");
        if (negative) {
            digits = digits.substring(1);
        }
        if (!digits.matches("\\d{1,18}")) {
            throw new SsmlException("<say-as interpret-as=\"cardinal\">" + s + "</say-as>: expected a whole number of at most 18 digits");
        }
        return (negative ? "minus " : "") + NumberWords.cardinal(Long.parseLong(digits));
    }

    private static String ordinal(String s) {
        String digits = s.strip().replaceAll("(?i)(st|nd|rd|th)$", "").replace(",", "");
        if (!digits.matches("\\d{1,18}")) {
            throw new SsmlException("<say-as interpret-as=\"ordinal\">" + s + "</say-as>: expected a whole number such as 21 or 21st");
        }
        return NumberWords.ordinal(Long.parseLong(digits));
    }

    private static String date(String s, String format) {
        String f = format == null ? "mdy" : format.strip().toLowerCase(Locale.ROOT);
        if (!f.matches("[dmy]{1,3}") || f.chars().distinct().count() != f.length()) {
            throw new SsmlException("<say-as interpret-as=\"date\" format=\"" + format + "\">: expected a format such as mdy, dmy or ymd");
        }
        String[] parts = s.strip().split("[/.\\-\\s]+");
        if (parts.length != f.length()) {
            throw new SsmlException("date \"" + s + "\" does not have the " + f.length() + " parts of format " + f);
        }
        Integer day = null;
        Integer month = null;
        Integer year = null;
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].matches("\\d{1,4}")) {
                throw new SsmlException("date \"" + s + "\": \"" + parts[i] + "\" is not a number");
            }
            int v = Integer.parseInt(parts[i]);
            switch (f.charAt(i)) {
                case 'd' -> day = v;
                case 'm' -> month = v;
                default -> year = v;
            }
        }
        if (month != null && (month < 1 || month > 12) || day != null && (day < 1 || day > 31)) {
            throw new SsmlException("date \"" + s + "\" has no such month or day");
        }
        StringBuilder b = new StringBuilder();
        if (month != null) {
            b.append(MONTHS[month - 1]);
        }
        if (day != null) {
            b.append(b.isEmpty() ? "the " + NumberWords.ordinal(day) : " " + NumberWords.ordinal(day));
        }
        if (year != null) {
            b.append(b.isEmpty() ? "" : day != null ? ", " : " ").append(NumberWords.year(year));
        }
        return b.toString();
    }

    private static String telephone(String s) {
        List<String> groups = new ArrayList<>();
        for (String group : s.strip().split("[\\s().\\-]+")) {
            String g = group.replace("+", "plus ");
            if (g.isEmpty()) {
                continue;
            }
            if (!g.replace("plus ", "").matches("\\d+")) {
                throw new SsmlException("telephone number \"" + s + "\" has something other than digits and separators");
            }
            groups.add((g.startsWith("plus ") ? "plus " : "") + NumberWords.digitByDigit(g.replace("plus ", "")));
        }
        return String.join(", ", groups);
    }

    private static String attr(Element e, String name) {
        return e.hasAttribute(name) ? e.getAttribute(name) : null;
    }

    private static String localName(Element e) {
        return e.getLocalName() != null ? e.getLocalName() : e.getTagName();
    }
}
