package dev.sotto.text;

/** English words for numbers: cardinals, ordinals, years, digit by digit. */
final class NumberWords {
    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};
    private static final String[] SCALES = {"", "thousand", "million", "billion", "trillion", "quadrillion"};
    /** Longest digit string read as a number; longer ones are read digit by digit. */
    static final int MAX_CARDINAL_DIGITS = 18;

    private NumberWords() {
    }

    /** "1234" -> "one thousand two hundred thirty-four"; digit by digit beyond 18 digits. */
    static String cardinal(String digits) {
        String d = stripLeadingZeros(digits);
        if (d.length() > MAX_CARDINAL_DIGITS) {
            return digitByDigit(digits);
        }
        return cardinal(Long.parseLong(d));
    }

    static String cardinal(long n) {
        if (n < 0) {
            return "minus " + cardinal(-n);
        }
        if (n < 20) {
            return ONES[(int) n];
        }
        StringBuilder sb = new StringBuilder();
        int scale = 0;
        java.util.ArrayDeque<String> groups = new java.util.ArrayDeque<>();
        while (n > 0) {
            int group = (int) (n % 1000);
            if (group != 0) {
                groups.push(belowThousand(group) + (scale > 0 ? " " + SCALES[scale] : ""));
            }
            n /= 1000;
            scale++;
        }
        for (String g : groups) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(g);
        }
        return sb.toString();
    }

    private static String belowThousand(int n) {
        StringBuilder sb = new StringBuilder();
        if (n >= 100) {
            sb.append(ONES[n / 100]).append(" hundred");
            n %= 100;
            if (n > 0) {
                sb.append(' ');
            }
        }
        if (n >= 20) {
            sb.append(TENS[n / 10]);
            if (n % 10 > 0) {
                sb.append('-').append(ONES[n % 10]);
            }
        } else if (n > 0) {
            sb.append(ONES[n]);
        }
        return sb.toString();
    }

    /** "one" -> "first", "twenty-two" -> "twenty-second", "one hundred" -> "one hundredth". */
    static String ordinal(long n) {
        String words = cardinal(n);
        int split = Math.max(words.lastIndexOf(' '), words.lastIndexOf('-'));
        String head = words.substring(0, split + 1);
        String last = words.substring(split + 1);
        String ord = switch (last) {
            case "one" -> "first";
            case "two" -> "second";
            case "three" -> "third";
            case "five" -> "fifth";
            case "eight" -> "eighth";
            case "nine" -> "ninth";
            case "twelve" -> "twelfth";
            default -> last.endsWith("y") ? last.substring(0, last.length() - 1) + "ieth" : last + "th";
        };
        return head + ord;
    }

    /** Years the way they are spoken: 1999 "nineteen ninety-nine", 2005 "two thousand five", 2025 "twenty twenty-five". */
    static String year(int y) {
        if (y < 1000 || y > 9999) {
            return cardinal(y);
        }
        int hi = y / 100;
        int lo = y % 100;
        if (y % 1000 < 10 && y >= 2000) {
            return cardinal(y); // 2000 .. 2009: "two thousand (and) five"
        }
        if (lo == 0) {
            return cardinal(hi) + " hundred";
        }
        if (lo < 10) {
            return cardinal(hi) + " oh " + ONES[lo];
        }
        return cardinal(hi) + " " + cardinal(lo);
    }

    /** Plural of a year or decade: 1990 -> "nineteen nineties", 2000 -> "two thousands". */
    static String decade(int y) {
        String w = year(y);
        if (w.endsWith("y")) {
            return w.substring(0, w.length() - 1) + "ies";
        }
        return w + (w.endsWith("x") ? "es" : "s");
    }

    static String digitByDigit(String digits) {
        StringBuilder sb = new StringBuilder();
        for (char c : digits.toCharArray()) {
            if (Character.isDigit(c)) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(ONES[c - '0']);
            }
        }
        return sb.toString();
    }

    private static String stripLeadingZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') {
            i++;
        }
        return s.substring(i);
    }
}
