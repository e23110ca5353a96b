package dev.realtime.internal;

import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resume point for a whole connection: the bus epoch and, per channel, the last position delivered.
 *
 * <p>Wire form: {@code 1~<epoch>~<hash>.<pos>~<hash>.<pos>...} where {@code hash} is a 64-bit hash of
 * the channel name in 11 base64url characters and {@code pos} is base 36. Hashing keeps the cursor
 * short (about 1 KiB for 64 channels) whatever the channel names; a collision needs two channels
 * of one connection sharing 64 bits.
 */
public record Cursor(String epoch, Map<Long, Long> positions) {
    private static final String VERSION = "1";
    private static final char[] B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
    /** 64 channels need ~1 KiB; this bounds the work a hostile cursor can cause. */
    private static final int MAX_LENGTH = 4096;

    public Cursor {
        positions = Collections.unmodifiableMap(new LinkedHashMap<>(positions));
    }

    /** The position this cursor holds for the channel, or -1 when it does not cover it. */
    public long positionOf(String channel) {
        Long p = positions.get(hash(channel));
        return p == null ? -1 : p;
    }

    public String encode() {
        StringBuilder b = new StringBuilder(16 + positions.size() * 20);
        b.append(VERSION).append('~').append(epoch);
        positions.forEach((h, p) -> appendEntry(b, h, p));
        return b.toString();
    }

    static void appendEntry(StringBuilder b, long hash, long position) {
        b.append(entryPrefix(hash));
        appendPosition(b, position);
    }

    /** The constant part of a channel's entry, {@code ~<hash>.}: sessions keep it, so a delivery only appends digits. */
    static String entryPrefix(long hash) {
        char[] c = new char[13];
        c[0] = '~';
        for (int i = 0, shift = 60; shift >= 0; i++, shift -= 6) {
            c[1 + i] = B64[(int) (hash >>> shift) & 0x3F];
        }
        c[12] = '.';
        return new String(c);
    }

    /**
     * Writes {@code position} in base 36 over the {@code length} characters at {@code at}, if it has
     * exactly that many digits; false (nothing written) otherwise.
     */
    static boolean rewritePosition(char[] text, int at, int length, long position) {
        int i = at + length;
        long p = position;
        do {
            if (i == at) {
                return false; // more digits than the slot
            }
            text[--i] = Character.forDigit((int) (p % 36), 36);
            p /= 36;
        } while (p > 0);
        return i == at; // fewer digits: the caller lays the text out again
    }

    /** A position in base 36, written without an intermediate string (this runs for every delivery). */
    static void appendPosition(StringBuilder b, long position) {
        if (position < 36) {
            b.append(Character.forDigit((int) position, 36));
            return;
        }
        char[] digits = new char[13]; // 36^13 > Long.MAX_VALUE
        int i = digits.length;
        for (long p = position; p > 0; p /= 36) {
            digits[--i] = Character.forDigit((int) (p % 36), 36);
        }
        b.append(digits, i, digits.length - i);
    }

    public static Cursor decode(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            throw invalid();
        }
        String[] parts = text.split("~", -1);
        if (parts.length < 2 || !VERSION.equals(parts[0]) || !isEpoch(parts[1])) {
            throw invalid();
        }
        Map<Long, Long> positions = new LinkedHashMap<>();
        for (int i = 2; i < parts.length; i++) {
            String entry = parts[i];
            if (entry.length() < 13 || entry.charAt(11) != '.') {
                throw invalid();
            }
            long hash = 0;
            for (int k = 0; k < 11; k++) {
                int v = indexOf(entry.charAt(k));
                if (v < 0 || (k == 0 && v > 15)) {
                    throw invalid();
                }
                hash = (hash << 6) | v;
            }
            long position;
            try {
                position = Long.parseLong(entry.substring(12), 36);
            } catch (NumberFormatException e) {
                throw invalid();
            }
            if (position < 0) {
                throw invalid();
            }
            positions.put(hash, position);
        }
        return new Cursor(parts[1], positions);
    }

    /** FNV-1a, 64 bits, over the name's UTF-8 bytes: stable across JVMs and nodes. */
    public static long hash(String channel) {
        long h = 0xcbf29ce484222325L;
        for (byte x : channel.getBytes(StandardCharsets.UTF_8)) {
            h ^= (x & 0xFF);
            h *= 0x100000001b3L;
        }
        return h;
    }

    static boolean isEpoch(String s) {
        if (s.isEmpty() || s.length() > 16) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(char c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '-') return 62;
        if (c == '_') return 63;
        return -1;
    }

    private static RealtimeException invalid() {
        return new RealtimeException(ErrorCode.INVALID_CURSOR,
                "the cursor cannot be read; pass back a cursor exactly as the server gave it, or 'earliest'");
    }
}
