package dev.sotto.text;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Written English into speakable words: URLs and e-mail addresses, phone numbers, times, dates, currency,
 * percentages, units, ordinals, decades, fractions, ranges, years, Roman numerals in context, abbreviations and
 * titles, acronyms, symbols and cardinal numbers (separators, decimals, negatives). Passes run in that order, each
 * a regular expression with bounded repetition, so the work is linear in the text's length; anything not
 * recognised is left as it is for the phonemizer. Control characters and unpaired surrogates are removed.
 */
public final class EnglishNormalizer implements Normalizer {
    private static final String MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December";
    private static final String[] MONTH_NAMES = MONTHS.split("\\|");
    private static final String NUM = "\\d{1,3}(?:,\\d{3}){1,6}|\\d{1,18}";

    private static final Pattern URL = Pattern.compile("\\b(?:https?://|www\\.)[^\\s]{1,400}?(?=[.,;:!?)]?(?:\\s|$))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern EMAIL = Pattern.compile("(?<![\\w.+-])[\\w.+-]{1,64}@[\\w-]{1,63}(?:\\.[\\w-]{1,63}){1,6}\\b");
    private static final Pattern PHONE = Pattern.compile(
            "(?<![\\w+])(\\+\\d{1,3}[ .-]?)?(?:\\(\\d{3}\\)\\s?|\\d{3}[ .-])\\d{3}[ .-]\\d{4}\\b|(?<![\\w.,-])\\d{3}-\\d{4}\\b");
    private static final Pattern TIME = Pattern.compile("\\b([01]?\\d|2[0-3]):([0-5]\\d)(?:\\s?([aApP])\\.?\\s?[mM]\\b\\.?)?");
    private static final Pattern AM_PM = Pattern.compile("\\b(\\d{1,2})\\s?([aApP])\\.?[mM]\\b\\.?");
    private static final Pattern ISO_DATE = Pattern.compile("\\b(\\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])\\b");
    private static final Pattern SLASH_DATE = Pattern.compile("\\b(0?[1-9]|1[0-2])/(0?[1-9]|[12]\\d|3[01])/(\\d{4})\\b");
    private static final Pattern DAY_MONTH = Pattern.compile("\\b(\\d{1,2})(?:st|nd|rd|th)? (" + MONTHS + ")\\b(,? \\d{4}\\b)?");
    private static final Pattern MONTH_DAY = Pattern.compile("\\b(" + MONTHS + ") (\\d{1,2})(?:st|nd|rd|th)?\\b(,? \\d{4}\\b)?");
    private static final Pattern CURRENCY_SYMBOL = Pattern.compile(
            "(-)?([$€£¥])\\s?(" + NUM + ")(?:\\.(\\d{1,2}))?(?:\\s?(thousand|million|billion|trillion|[mbk])\\b)?");
    private static final Pattern CURRENCY_CODE_AFTER = Pattern.compile("\\b(" + NUM + ")(?:\\.(\\d{1,2}))?\\s?(USD|EUR|GBP|JPY|CHF|CAD|AUD)\\b");
    private static final Pattern CURRENCY_CODE_BEFORE = Pattern.compile("\\b(USD|EUR|GBP|JPY|CHF|CAD|AUD)\\s?(" + NUM + ")(?:\\.(\\d{1,2}))?\\b");
    private static final Pattern CENTS = Pattern.compile("\\b(\\d{1,3})c\\b");
    private static final Pattern PERCENT = Pattern.compile("(-)?\\b(" + NUM + ")(?:\\.(\\d{1,6}))?\\s?%");
    private static final Pattern TEMPERATURE = Pattern.compile("(-)?\\b(" + NUM + ")(?:\\.(\\d{1,3}))?\\s?°\\s?([CF])\\b");
    private static final Pattern UNIT = Pattern.compile("(-)?\\b(" + NUM + ")(?:\\.(\\d{1,6}))?\\s?"
            + "(km/h|mph|kph|km|kg|mg|cm|mm|mi|ft|lbs|lb|oz|ml|mL|GB|MB|KB|TB|GHz|MHz|kHz|Hz|kW|kWh|ms|tbsp|Tbsp|tbs|tsp|m|g|l|L|h|s|V|W)"
            + "\\b(?![-'])");
    private static final Pattern DEGREES = Pattern.compile("\\b(" + NUM + ")\\s?°");
    private static final Pattern ORDINAL = Pattern.compile("\\b(\\d{1,9})(st|nd|rd|th)\\b");
    private static final Pattern DECADE = Pattern.compile("\\b(1[1-9]|20)(\\d)0s\\b|(?<![\\d'])'?([1-9])0s\\b");
    private static final Pattern FRACTION = Pattern.compile("(?<![\\d/])(\\d{1,3})/(\\d{1,3})(?![\\d/])");
    private static final Pattern RANGE = Pattern.compile("(?<![\\d.,-])(\\d{1,9})\\s?[-–]\\s?(\\d{1,9})(?![\\d.,])");
    private static final Pattern YEAR = Pattern.compile("(?<![\\d.,$€£-])(1[1-9]\\d\\d|20\\d\\d)(?![\\d,]|\\.\\d)");
    private static final Pattern REGNAL = Pattern.compile("\\b(King|Queen|Pope|Emperor|Tsar|Henry|Louis|Charles|Elizabeth|George|Edward|"
            + "William|Richard|James|John|Pius|Benedict|Leo|Gregory|Napoleon|Philip|Frederick|Alexander|Peter|Mary|Ramesses|Constantine) "
            + "(X{0,3}(?:IX|IV|V?I{0,3}))\\b");
    private static final Pattern ROMAN_AFTER_NOUN = Pattern.compile("\\b(War|Chapter|Part|Volume|Book|Act|Scene|Section|Phase|Episode|"
            + "Article|Title|Level|Class|Type|Stage|chapter|part|volume|book|act|scene|section|phase|episode|article|level|class|type|stage) "
            + "(X{0,3}(?:IX|IV|V?I{0,3}))\\b");
    private static final Pattern TITLE = Pattern.compile("\\b(Dr|Mr|Mrs|Ms|Prof|St|Mt|Gen|Capt|Lt|Sgt|Col|Gov|Sen|Rev|Fr)\\.(?=\\s+[A-Z])"
            + "|\\b(Dr|Mr|Mrs|Ms|Prof|Gen|Capt|Lt|Sgt|Col|Gov|Sen|Rev)\\.(?=\\s+[a-z])"); // a person's title; St and Mt are places
    /** Emergency numbers are said digit by digit ("nine one one") after a verb of calling or before the service. */
    private static final Pattern EMERGENCY = Pattern.compile("(?i)\\b(call(?:s|ed|ing)?|dial(?:s|ed|led|ing|ling)?|phone|ring|text)\\s+"
            + "(911|999|112|000|111)\\b(?:(\\s+or\\s+)(911|999|112|000|111)\\b)?"
            + "|\\b(911|999|112)(?=\\s+(?:call|calls|operator|operators|dispatcher|dispatchers|dispatch|emergency|line|service|services)\\b)");
    /** N:M that is not a time (the times went first): a ratio or a score. */
    private static final Pattern RATIO = Pattern.compile("(?<![\\d:.])(\\d{1,4}):(\\d{1,4})(?![\\d:])");
    /** Letters and digits run together: flight, model and road numbers, formulas (BA123, RTX4090, B2B, H2O). */
    private static final Pattern CODE = Pattern.compile("\\b([A-Z]{1,4})(\\d{1,5})([A-Z]{1,3})?\\b|\\b(\\d{1,4})([A-Z])\\b(?![-'])");
    private static final Pattern AFTER_NAME = Pattern.compile("(?<=[A-Za-z] )(St|Ave|Rd|Blvd|Jr|Sr|Inc|Ltd|Co)\\.");
    private static final Pattern LATIN = Pattern.compile("\\b(etc|e\\.g|i\\.e|vs|approx|cf)\\.(?=\\s|$|[,;:)])|\\bvs\\b");
    private static final Pattern NUMBER_SIGN = Pattern.compile("(?:\\bNo\\.|#)\\s?(\\d{1,9})\\b");
    private static final Pattern ACRONYM = Pattern.compile("\\b([A-Z]{2,6})(s?)\\b");
    private static final Pattern SYMBOLS = Pattern.compile("\\s?([&@+=×~])\\s?");
    private static final Pattern DECIMAL = Pattern.compile("(-)?\\b(" + NUM + ")\\.(\\d{1,30})\\b");
    private static final Pattern CARDINAL = Pattern.compile("(?<![\\w.])(-)?(" + NUM + ")(?![\\d])");
    private static final Pattern LONG_DIGITS = Pattern.compile("\\d{19,}");
    private static final Pattern SPACES = Pattern.compile("[ \\t]{2,}");

    private static final Map<String, String[]> CURRENCIES = Map.of(
            "$", new String[] {"dollar", "dollars", "cent", "cents"}, "USD", new String[] {"dollar", "dollars", "cent", "cents"},
            "€", new String[] {"euro", "euros", "cent", "cents"}, "EUR", new String[] {"euro", "euros", "cent", "cents"},
            "£", new String[] {"pound", "pounds", "penny", "pence"}, "GBP", new String[] {"pound", "pounds", "penny", "pence"},
            "¥", new String[] {"yen", "yen", "sen", "sen"}, "JPY", new String[] {"yen", "yen", "sen", "sen"},
            "CHF", new String[] {"franc", "francs", "centime", "centimes"}, "CAD", new String[] {"Canadian dollar", "Canadian dollars", "cent", "cents"});
    private static final Map<String, String[]> UNITS = Map.ofEntries(
            Map.entry("km", new String[] {"kilometer", "kilometers"}), Map.entry("m", new String[] {"meter", "meters"}),
            Map.entry("cm", new String[] {"centimeter", "centimeters"}), Map.entry("mm", new String[] {"millimeter", "millimeters"}),
            Map.entry("mi", new String[] {"mile", "miles"}), Map.entry("ft", new String[] {"foot", "feet"}),
            Map.entry("kg", new String[] {"kilogram", "kilograms"}), Map.entry("g", new String[] {"gram", "grams"}),
            Map.entry("mg", new String[] {"milligram", "milligrams"}), Map.entry("lb", new String[] {"pound", "pounds"}),
            Map.entry("lbs", new String[] {"pound", "pounds"}), Map.entry("oz", new String[] {"ounce", "ounces"}),
            Map.entry("l", new String[] {"liter", "liters"}), Map.entry("L", new String[] {"liter", "liters"}),
            Map.entry("ml", new String[] {"milliliter", "milliliters"}), Map.entry("mL", new String[] {"milliliter", "milliliters"}),
            Map.entry("mph", new String[] {"mile per hour", "miles per hour"}),
            Map.entry("km/h", new String[] {"kilometer per hour", "kilometers per hour"}),
            Map.entry("kph", new String[] {"kilometer per hour", "kilometers per hour"}),
            Map.entry("h", new String[] {"hour", "hours"}), Map.entry("s", new String[] {"second", "seconds"}),
            Map.entry("ms", new String[] {"millisecond", "milliseconds"}),
            Map.entry("GB", new String[] {"gigabyte", "gigabytes"}), Map.entry("MB", new String[] {"megabyte", "megabytes"}),
            Map.entry("KB", new String[] {"kilobyte", "kilobytes"}), Map.entry("TB", new String[] {"terabyte", "terabytes"}),
            Map.entry("GHz", new String[] {"gigahertz", "gigahertz"}), Map.entry("MHz", new String[] {"megahertz", "megahertz"}),
            Map.entry("kHz", new String[] {"kilohertz", "kilohertz"}), Map.entry("Hz", new String[] {"hertz", "hertz"}),
            Map.entry("kW", new String[] {"kilowatt", "kilowatts"}), Map.entry("kWh", new String[] {"kilowatt hour", "kilowatt hours"}),
            Map.entry("V", new String[] {"volt", "volts"}), Map.entry("W", new String[] {"watt", "watts"}),
            Map.entry("tbsp", new String[] {"tablespoon", "tablespoons"}), Map.entry("Tbsp", new String[] {"tablespoon", "tablespoons"}),
            Map.entry("tbs", new String[] {"tablespoon", "tablespoons"}), Map.entry("tsp", new String[] {"teaspoon", "teaspoons"}));
    private static final Map<String, String> TITLES = Map.ofEntries(Map.entry("Dr", "Doctor"), Map.entry("Mr", "Mister"),
            Map.entry("Mrs", "Missus"), Map.entry("Ms", "Miz"), Map.entry("Prof", "Professor"), Map.entry("St", "Saint"),
            Map.entry("Mt", "Mount"), Map.entry("Gen", "General"), Map.entry("Capt", "Captain"), Map.entry("Lt", "Lieutenant"),
            Map.entry("Sgt", "Sergeant"), Map.entry("Col", "Colonel"), Map.entry("Gov", "Governor"), Map.entry("Sen", "Senator"),
            Map.entry("Rev", "Reverend"), Map.entry("Fr", "Father"));
    private static final Map<String, String> AFTER_NAMES = Map.of("St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Boulevard",
            "Jr", "Junior", "Sr", "Senior", "Inc", "Incorporated", "Ltd", "Limited", "Co", "Company");
    private static final Map<String, String> LATIN_WORDS = Map.of("etc", "et cetera", "e.g", "for example", "i.e", "that is",
            "vs", "versus", "approx", "approximately", "cf", "compare");
    /** Acronyms spoken as words. */
    private static final Set<String> WORD_ACRONYMS = Set.of("NASA", "NATO", "UNESCO", "UNICEF", "OPEC", "FIFA", "LASER", "RADAR",
            "SCUBA", "AIDS", "COVID", "JPEG", "PIN", "IKEA", "LEGO", "NAFTA", "ASEAN", "OSHA", "FEMA", "WHO", "UEFA", "GIF", "SIM",
            "ZIP", "POTUS", "SWAT", "RAM", "ROM", "CAPTCHA", "OK");
    private static final Map<String, String> SYMBOL_WORDS = Map.of("&", "and", "@", "at", "+", "plus", "=", "equals", "×", "times", "~", "about");

    @Override
    public String normalize(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String s = clean(text);
        s = replace(URL, s, m -> spokenAddress(m.group().replaceFirst("(?i)^https?://", "")));
        s = replace(EMAIL, s, m -> spokenAddress(m.group().replace("@", " at ")));
        s = replace(PHONE, s, m -> phone(m.group()));
        s = replace(TIME, s, this::time);
        s = replace(RATIO, s, m -> NumberWords.cardinal(Long.parseLong(m.group(1))) + " to " + NumberWords.cardinal(Long.parseLong(m.group(2))));
        s = replace(AM_PM, s, m -> NumberWords.cardinal(Long.parseLong(m.group(1))) + " " + m.group(2).toLowerCase(Locale.ROOT) + " m");
        s = replace(ISO_DATE, s, m -> month(m.group(2)) + " " + NumberWords.ordinal(Long.parseLong(m.group(3))) + ", "
                + NumberWords.year(Integer.parseInt(m.group(1))));
        s = replace(SLASH_DATE, s, m -> month(m.group(1)) + " " + NumberWords.ordinal(Long.parseLong(m.group(2))) + ", "
                + NumberWords.year(Integer.parseInt(m.group(3))));
        s = replace(DAY_MONTH, s, m -> "the " + NumberWords.ordinal(Long.parseLong(m.group(1))) + " of " + m.group(2) + yearTail(m.group(3)));
        s = replace(MONTH_DAY, s, m -> m.group(1) + " " + NumberWords.ordinal(Long.parseLong(m.group(2))) + yearTail(m.group(3)));
        s = replace(CURRENCY_SYMBOL, s, m -> money(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
        s = replace(CURRENCY_CODE_AFTER, s, m -> money(null, m.group(3), m.group(1), m.group(2), null));
        s = replace(CURRENCY_CODE_BEFORE, s, m -> money(null, m.group(1), m.group(2), m.group(3), null));
        s = replace(CENTS, s, m -> NumberWords.cardinal(m.group(1)) + (m.group(1).equals("1") ? " cent" : " cents"));
        s = replace(DECADE, s, m -> m.group(1) != null
                ? NumberWords.decade(Integer.parseInt(m.group(1) + m.group(2) + "0"))
                : NumberWords.decade(Integer.parseInt(m.group(3) + "0")));
        s = replace(PERCENT, s, m -> number(m.group(1), m.group(2), m.group(3)) + " percent");
        s = replace(TEMPERATURE, s, m -> number(m.group(1), m.group(2), m.group(3)) + " degrees "
                + (m.group(4).equals("C") ? "Celsius" : "Fahrenheit"));
        s = replace(UNIT, s, m -> {
            String[] names = UNITS.get(m.group(4));
            boolean one = m.group(1) == null && m.group(2).equals("1") && m.group(3) == null;
            return number(m.group(1), m.group(2), m.group(3)) + " " + names[one ? 0 : 1];
        });
        s = replace(DEGREES, s, m -> NumberWords.cardinal(digits(m.group(1))) + (m.group(1).equals("1") ? " degree" : " degrees"));
        s = replace(ORDINAL, s, m -> NumberWords.ordinal(Long.parseLong(m.group(1))));
        s = replace(FRACTION, s, m -> fraction(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
        s = replace(RANGE, s, m -> rangeEnd(m.group(1)) + " to " + rangeEnd(m.group(2)));
        s = replace(YEAR, s, m -> NumberWords.year(Integer.parseInt(m.group(1))));
        s = replace(REGNAL, s, m -> m.group(2).isEmpty() ? m.group() : m.group(1) + " the " + NumberWords.ordinal(roman(m.group(2))));
        s = replace(ROMAN_AFTER_NOUN, s, m -> m.group(2).isEmpty() ? m.group() : m.group(1) + " " + NumberWords.cardinal(roman(m.group(2))));
        s = replace(NUMBER_SIGN, s, m -> "number " + NumberWords.cardinal(m.group(1)));
        s = replace(EMERGENCY, s, m -> m.group(5) != null ? NumberWords.digitByDigit(m.group(5))
                : m.group(1) + " " + NumberWords.digitByDigit(m.group(2)) + (m.group(4) == null ? "" : m.group(3) + NumberWords.digitByDigit(m.group(4))));
        s = replace(CODE, s, EnglishNormalizer::code);
        s = replace(TITLE, s, m -> TITLES.get(m.group(1) != null ? m.group(1) : m.group(2)));
        s = replace(AFTER_NAME, s, m -> AFTER_NAMES.get(m.group(1)) + (atEnd(m) ? "." : ""));
        s = replace(LATIN, s, m -> m.group(1) == null ? "versus" : LATIN_WORDS.get(m.group(1)) + (atEnd(m) ? "." : ""));
        boolean shouting = mostlyUpperCase(s);
        if (!shouting) {
            s = replace(ACRONYM, s, m -> acronym(m.group(1), m.group(2)));
        }
        s = replace(SYMBOLS, s, m -> " " + SYMBOL_WORDS.get(m.group(1)) + " ");
        s = replace(LONG_DIGITS, s, m -> NumberWords.digitByDigit(m.group()));
        s = replace(DECIMAL, s, m -> number(m.group(1), m.group(2), m.group(3)));
        s = replace(CARDINAL, s, m -> (m.group(1) != null ? "minus " : "") + NumberWords.cardinal(digits(m.group(2))));
        return SPACES.matcher(s).replaceAll(" ").strip();
    }

    // ---------------------------------------------------------------- pieces

    /**
     * A code of letters and digits: the letters spelled (a word acronym kept whole), the digits as people read such
     * numbers ("one twenty-three", "forty ninety", "oh seven"); a digit run with one letter after it ("4B") likewise.
     */
    private static String code(Matcher m) {
        if (m.group(4) != null) {
            return codeNumber(m.group(4)) + " " + m.group(5);
        }
        String letters = m.group(1);
        String spelled = WORD_ACRONYMS.contains(letters) ? letters : String.join(" ", letters.split(""));
        String tail = m.group(3) == null ? "" : " " + String.join(" ", m.group(3).split(""));
        return spelled + " " + codeNumber(m.group(2)) + tail;
    }

    /** Digits of a code: up to two as a number, three as digit and pair, four as two pairs, longer digit by digit. */
    static String codeNumber(String d) {
        long v = Long.parseLong(d);
        if (d.length() <= 2) {
            return d.length() == 2 && d.charAt(0) == '0' ? "oh " + NumberWords.cardinal(d.charAt(1) - '0') : NumberWords.cardinal(v);
        }
        if (d.length() == 3) {
            return d.endsWith("00") ? NumberWords.cardinal(v) : NumberWords.cardinal(d.charAt(0) - '0') + " " + codeNumber(d.substring(1));
        }
        if (d.length() == 4) {
            if (d.endsWith("000") || d.charAt(0) == '0') {
                return d.charAt(0) == '0' ? NumberWords.digitByDigit(d) : NumberWords.cardinal(v);
            }
            return d.endsWith("00") ? NumberWords.cardinal(v / 100) + " hundred" : codeNumber(d.substring(0, 2)) + " " + codeNumber(d.substring(2));
        }
        return NumberWords.digitByDigit(d);
    }

    /** Removes control characters (keeping line breaks and tabs) and unpaired surrogates. */
    static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    sb.append(c).append(text.charAt(++i));
                } else {
                    sb.append(' ');
                }
            } else if (Character.isLowSurrogate(c)) {
                sb.append(' ');
            } else if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                sb.append(c == '\r' ? '\n' : ' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String replace(Pattern p, String s, Function<Matcher, String> f) {
        Matcher m = p.matcher(s);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            if (sb == null) {
                sb = new StringBuilder(s.length() + 16);
            }
            sb.append(s, last, m.start()).append(f.apply(m));
            last = m.end();
        }
        if (sb == null) {
            return s;
        }
        return sb.append(s, last, s.length()).toString();
    }

    private static boolean atEnd(Matcher m) {
        return m.end() >= m.regionEnd() || m.hitEnd();
    }

    private static String digits(String withCommas) {
        return withCommas.replace(",", "");
    }

    /** A number with optional sign and decimals: "minus three point one four". */
    private static String number(String minus, String integer, String decimals) {
        String words = NumberWords.cardinal(digits(integer));
        if (decimals != null && !decimals.isEmpty()) {
            words += " point " + NumberWords.digitByDigit(decimals);
        }
        return (minus != null ? "minus " : "") + words;
    }

    private static String money(String minus, String currency, String amount, String cents, String scale) {
        String[] names = CURRENCIES.getOrDefault(currency, new String[] {currency, currency, "cent", "cents"});
        String scaleWord = scale == null ? null : switch (scale.toLowerCase(Locale.ROOT)) {
            case "m" -> "million";
            case "b" -> "billion";
            case "k" -> "thousand";
            default -> scale.toLowerCase(Locale.ROOT);
        };
        String sign = minus != null ? "minus " : "";
        String whole = digits(amount);
        if (scaleWord != null) {
            String n = number(null, amount, cents);
            return sign + n + " " + scaleWord + " " + names[1];
        }
        boolean one = whole.equals("1");
        String out = sign + NumberWords.cardinal(whole) + " " + names[one ? 0 : 1];
        if (cents != null) {
            int c = Integer.parseInt(cents.length() == 1 ? cents + "0" : cents);
            if (c > 0) {
                out += " and " + NumberWords.cardinal(c) + " " + names[c == 1 ? 2 : 3];
            }
        }
        if (whole.equals("0") && cents != null) {
            int c = Integer.parseInt(cents.length() == 1 ? cents + "0" : cents);
            out = sign + NumberWords.cardinal(c) + " " + names[c == 1 ? 2 : 3];
        }
        return out;
    }

    private String time(Matcher m) {
        int h = Integer.parseInt(m.group(1));
        int min = Integer.parseInt(m.group(2));
        String ampm = m.group(3) == null ? null : m.group(3).toLowerCase(Locale.ROOT) + " m";
        String hour = NumberWords.cardinal(h);
        String minutes = min == 0 ? (ampm != null ? "" : h >= 13 || h == 0 ? " hundred" : " o'clock")
                : min < 10 ? " oh " + NumberWords.cardinal(min) : " " + NumberWords.cardinal(min);
        if (h == 0 && ampm == null) {
            hour = "zero";
        }
        return hour + minutes + (ampm != null ? " " + ampm : "");
    }

    private static String month(String number) {
        return MONTH_NAMES[Integer.parseInt(number) - 1];
    }

    private static String yearTail(String group) {
        if (group == null) {
            return "";
        }
        return ", " + NumberWords.year(Integer.parseInt(group.replaceAll("[^0-9]", "")));
    }

    private static String fraction(int num, int den) {
        if (den == 0) {
            return NumberWords.cardinal(num) + " over zero";
        }
        String n = NumberWords.cardinal(num);
        String d = switch (den) {
            case 1 -> "over one";
            case 2 -> num == 1 ? "half" : "halves";
            case 4 -> num == 1 ? "quarter" : "quarters";
            default -> {
                String o = NumberWords.ordinal(den);
                yield num == 1 ? o : o + "s";
            }
        };
        return (num == 1 && den == 2 ? "one" : n) + " " + d;
    }

    private static String rangeEnd(String digits) {
        int len = digits.length();
        if (len == 4) {
            int v = Integer.parseInt(digits);
            if (v >= 1100 && v <= 2099) {
                return NumberWords.year(v);
            }
        }
        return NumberWords.cardinal(digits);
    }

    private static String phone(String number) {
        String[] groups = number.replace("(", " ").replace(")", " ").trim().split("[ .-]+");
        StringBuilder sb = new StringBuilder();
        for (String g : groups) {
            if (g.isEmpty()) {
                continue;
            }
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(g.startsWith("+") ? "plus " + NumberWords.digitByDigit(g) : NumberWords.digitByDigit(g));
        }
        return sb.toString();
    }

    /** "example.com/docs" -> "example dot com slash docs". */
    private static String spokenAddress(String address) {
        String a = address.regionMatches(true, 0, "www.", 0, 4) ? "w w w." + address.substring(4) : address;
        return a.replace(".", " dot ").replace("/", " slash ").replace("-", " dash ").replace("_", " underscore ")
                .replaceAll("\\s+", " ").strip();
    }

    static int roman(String r) {
        int total = 0;
        int prev = 0;
        for (int i = r.length() - 1; i >= 0; i--) {
            int v = switch (r.charAt(i)) {
                case 'I' -> 1;
                case 'V' -> 5;
                case 'X' -> 10;
                case 'L' -> 50;
                case 'C' -> 100;
                default -> 0;
            };
            total += v < prev ? -v : v;
            prev = Math.max(prev, v);
        }
        return total;
    }

    private static String acronym(String letters, String plural) {
        if (WORD_ACRONYMS.contains(letters)) {
            if (letters.equals("OK")) {
                return "okay" + plural;
            }
            return letters.charAt(0) + letters.substring(1).toLowerCase(Locale.ROOT) + plural;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < letters.length(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(letters.charAt(i));
        }
        return sb + (plural.isEmpty() ? "" : "'s");
    }

    /** Text written in capitals throughout is shouting, not a string of acronyms. */
    private static boolean mostlyUpperCase(String s) {
        int upper = 0;
        int letters = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                letters++;
                if (Character.isUpperCase(c)) {
                    upper++;
                }
            }
        }
        return letters >= 12 && upper * 10 > letters * 7;
    }
}
