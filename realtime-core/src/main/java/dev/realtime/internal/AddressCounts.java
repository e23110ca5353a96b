package dev.realtime.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Connections per client address, each address held to a limit ({@code realtime.connections.perAddress}).
 *
 * <p>Lock-free: behind a proxy every client shares one address, and a long-poll opens and closes a
 * session per request, so a map-bin lock here serialised every poll. A counter that fell to zero is
 * marked dead (-1) before it leaves the map, so no connection is ever counted on a counter that is no
 * longer in it.
 */
final class AddressCounts {
    private final int perAddress;
    private final Map<String, AtomicInteger> byAddress = new ConcurrentHashMap<>();

    AddressCounts(int perAddress) {
        this.perAddress = perAddress;
    }

    /** Counts a connection from {@code address}; false (nothing counted) when the address is at its limit. */
    boolean take(String address) {
        while (true) {
            AtomicInteger count = byAddress.computeIfAbsent(address, a -> new AtomicInteger());
            int n = count.get();
            if (n < 0) {
                byAddress.remove(address, count); // dead: its remover may not have got there yet
                continue;
            }
            if (n >= perAddress) {
                return false;
            }
            if (count.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Ends a connection counted by {@link #take}. */
    void release(String address) {
        AtomicInteger count = byAddress.get(address);
        if (count != null && count.decrementAndGet() == 0 && count.compareAndSet(0, -1)) {
            byAddress.remove(address, count);
        }
    }

    /** Connections counted now from {@code address}. */
    int count(String address) {
        AtomicInteger count = byAddress.get(address);
        return count == null ? 0 : Math.max(0, count.get());
    }

    /** Addresses with at least one connection: an address whose last connection ended is forgotten. */
    int addresses() {
        return byAddress.size();
    }
}
