package dev.realtime.client.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where each subscribed channel resumes: its <em>position</em> is the protocol's {@code since}
 * value for it, {@code null} ("now": nothing to resume yet), {@code earliest}, or the latest
 * cursor known to cover it.
 *
 * <p>A cursor covers every channel the connection was subscribed to when it was issued, so each
 * cursor the live stream hands out becomes the position of every channel live on that connection
 * (except channels still catching up, which the caller leaves out). WebSocket resumes each channel
 * from its own position (one {@code subscribe} frame per channel). SSE and long-polling take one
 * {@code since} per request: {@link #planHttp} picks the position most channels share and lists the
 * others, which the client catches up separately with {@code poll?timeout=0} requests.
 *
 * <p>Not thread-safe.
 */
public final class ResumeState {

    /** The {@code since} value for "all retained history". */
    public static final String EARLIEST = "earliest";

    /**
     * A request plan for SSE or long-polling.
     *
     * @param since the {@code since} parameter of the request, {@code null} for none
     * @param catchUps channels (with their position) that the {@code since} does not resume and
     *     that must be caught up separately
     */
    public record HttpPlan(String since, Map<String, String> catchUps) {}

    private final Map<String, String> positions = new LinkedHashMap<>();
    private final Map<String, Long> cursorOrder = new HashMap<>();
    private long issued;
    private String latestCursor;

    /** Starts tracking a channel at {@code since} ({@code null} = now). */
    public void track(String channel, String since) {
        // a cursor given by the caller has no order: on a tie the live stream's newest cursor wins
        positions.put(channel, since);
    }

    public void untrack(String channel) {
        positions.remove(channel);
    }

    public boolean tracks(String channel) {
        return positions.containsKey(channel);
    }

    /** The position of a tracked channel ({@code null} = now). */
    public String position(String channel) {
        return positions.get(channel);
    }

    /** Sets one channel's position (a catch-up's cursor, or {@code null} after a refused cursor). */
    public void setPosition(String channel, String since) {
        if (positions.containsKey(channel)) {
            positions.put(channel, since);
        }
    }

    /** A cursor arrived on a connection on which {@code covered} channels were live. */
    public void onCursor(String cursor, Collection<String> covered) {
        if (cursor == null || cursor.isEmpty()) {
            return;
        }
        latestCursor = cursor;
        cursorOrder.put(cursor, ++issued);
        for (String channel : covered) {
            if (positions.containsKey(channel)) {
                positions.put(channel, cursor);
            }
        }
        if (cursorOrder.size() > 4 * Math.max(16, positions.size())) {
            cursorOrder.keySet().retainAll(positions.values());
        }
    }

    /** The latest cursor received from the server, or {@code null}. */
    public String latestCursor() {
        return latestCursor;
    }

    /**
     * Plans an SSE or long-poll request for {@code channels}; channels in {@code catchingUp}
     * already have a catch-up running and are not listed again.
     */
    public HttpPlan planHttp(Collection<String> channels, Set<String> catchingUp) {
        Map<String, Integer> counts = new HashMap<>();
        boolean allEarliest = !channels.isEmpty();
        for (String channel : channels) {
            String p = positions.get(channel);
            if (!EARLIEST.equals(p)) {
                allEarliest = false;
            }
            if (p != null && !p.equals(EARLIEST) && !catchingUp.contains(channel)) {
                counts.merge(p, 1, Integer::sum);
            }
        }
        String since = null;
        if (allEarliest && catchingUp.isEmpty()) {
            since = EARLIEST;
        } else {
            int best = 0;
            long bestOrder = -1;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                long order = cursorOrder.getOrDefault(e.getKey(), 0L);
                if (e.getValue() > best || (e.getValue() == best && order > bestOrder)) {
                    best = e.getValue();
                    bestOrder = order;
                    since = e.getKey();
                }
            }
        }
        Map<String, String> catchUps = new LinkedHashMap<>();
        for (String channel : channels) {
            String p = positions.get(channel);
            if (p != null && !p.equals(since) && !catchingUp.contains(channel)) {
                catchUps.put(channel, p);
            }
        }
        return new HttpPlan(since, catchUps);
    }

    /** The channels currently tracked, in subscription order. */
    public List<String> channels() {
        return new ArrayList<>(positions.keySet());
    }
}
