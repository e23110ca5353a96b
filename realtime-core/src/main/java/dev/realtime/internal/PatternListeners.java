package dev.realtime.internal;

import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.ChannelPattern;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Wildcard listeners of the in-memory buses, kept by their pattern's prefix, so finding those of a
 * channel costs one map lookup per {@code :} in its name, not a walk over every pattern.
 */
final class PatternListeners<L> {
    private static final System.Logger LOG = System.getLogger(PatternListeners.class.getName());
    private final Map<String, Set<Entry<L>>> byPrefix = new ConcurrentHashMap<>();

    BusSubscription add(ChannelPattern pattern, L listener) {
        Entry<L> entry = new Entry<>(pattern, listener);
        byPrefix.computeIfAbsent(pattern.prefix(), p -> ConcurrentHashMap.newKeySet()).add(entry);
        return () -> byPrefix.computeIfPresent(pattern.prefix(), (p, set) -> {
            set.remove(entry);
            return set.isEmpty() ? null : set;
        });
    }

    /** Calls {@code action} for every listener whose pattern matches the channel; one that throws does not stop the others. */
    void forEachMatch(String channel, Consumer<L> action) {
        if (byPrefix.isEmpty()) {
            return;
        }
        for (int colon = channel.indexOf(':'); colon >= 0 && colon < channel.length() - 1; colon = channel.indexOf(':', colon + 1)) {
            Set<Entry<L>> set = byPrefix.get(channel.substring(0, colon + 1));
            if (set == null) {
                continue;
            }
            for (Entry<L> e : set) {
                if (e.pattern.matches(channel)) {
                    try {
                        action.accept(e.listener);
                    } catch (RuntimeException x) {
                        LOG.log(System.Logger.Level.WARNING, "a wildcard listener of " + e.pattern + " failed on " + channel, x);
                    }
                }
            }
        }
    }

    void clear() {
        byPrefix.clear();
    }

    /** Compared by identity (not a record: a record's equals would pin the web application's class loader in a JDK cache). */
    private static final class Entry<L> {
        final ChannelPattern pattern;
        final L listener;

        Entry(ChannelPattern pattern, L listener) {
            this.pattern = pattern;
            this.listener = listener;
        }
    }
}
