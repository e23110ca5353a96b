package dev.realtime.client.internal;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Remembers the most recent message ids per channel, to drop a message delivered twice (after a
 * resume, a fallback or a catch-up that overlaps the live stream). Bounded: at most {@code
 * perChannel} ids are kept per channel, the oldest are forgotten first. Not thread-safe.
 */
public final class RecentIds {

    private final int perChannel;
    private final Map<String, LinkedHashSet<String>> ids = new HashMap<>();

    public RecentIds(int perChannel) {
        if (perChannel < 1) {
            throw new IllegalArgumentException("perChannel must be at least 1: " + perChannel);
        }
        this.perChannel = perChannel;
    }

    /** Records {@code id}; returns {@code false} if it was already among the recent ids. */
    public boolean firstTime(String channel, String id) {
        LinkedHashSet<String> set = ids.computeIfAbsent(channel, c -> new LinkedHashSet<>());
        if (!set.add(id)) {
            return false;
        }
        if (set.size() > perChannel) {
            Iterator<String> oldest = set.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /** Forgets the ids of every key that starts with {@code prefix} (a pattern's matched channels). */
    public void forgetPrefix(String prefix) {
        ids.keySet().removeIf(k -> k.startsWith(prefix));
    }

    /** Whether {@code id} is among the recent ids of {@code channel}. */
    public boolean seen(String channel, String id) {
        LinkedHashSet<String> set = ids.get(channel);
        return set != null && set.contains(id);
    }

    /** Forgets a channel (after it was unsubscribed). */
    public void forget(String channel) {
        ids.remove(channel);
    }
}
