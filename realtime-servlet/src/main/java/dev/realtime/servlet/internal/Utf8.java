package dev.realtime.servlet.internal;

/** UTF-8 sizes without encoding. */
final class Utf8 {
    private Utf8() {
    }

    /** A number above {@code limit} exactly when the UTF-8 encoding of {@code s} is longer than {@code limit} bytes. */
    static long length(String s, int limit) {
        if (s.length() > limit) {
            return s.length(); // every char is at least one byte
        }
        if ((long) s.length() * 3 <= limit) {
            return s.length(); // at most three bytes per char (a surrogate pair is four bytes for two): fits
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
        }
        return n;
    }
}
