package dev.realtime.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Capacity held with heartbeats flowing: after an idle measurement at the hold size (full mode: 10,000
 * connections; -Dbench.hold=N:seconds to try it smaller, e.g. 500:20), the connections are kept open for
 * a minute and the generator counts how many are still open at the end (no close, no failed poll during
 * the hold) and how many heartbeats each one received: WebSocket pings, SSE comment lines, long-poll
 * answers without a message (the poll reached its {@code timeout}, {@link #POLL_TIMEOUT_MILLIS} here, and
 * the client polled again).
 */
final class Hold {
    /** The long-poll {@code timeout} of the clients of a held step: several re-polls within the minute. */
    static final long POLL_TIMEOUT_MILLIS = 10_000;

    private Hold() {
    }

    /** {connections, seconds} of the hold in this mode, or null when there is none. */
    static int[] plan(LoadMain.Mode mode) {
        String p = System.getProperty("bench.hold");
        if (p != null && !p.isBlank()) {
            if (p.equals("none")) {
                return null;
            }
            String[] f = p.split(":");
            return new int[]{Integer.parseInt(f[0].trim()), f.length > 1 ? Integer.parseInt(f[1].trim()) : 60};
        }
        return mode.name().startsWith("full") ? new int[]{10_000, 60} : null;
    }

    static boolean applies(LoadMain.Mode mode, int connections) {
        int[] plan = plan(mode);
        return plan != null && plan[0] == connections;
    }

    /** Before connecting: pollers of a held step use the shorter timeout. */
    static void prepare(List<Client> clients) {
        for (Client c : clients) {
            if (c instanceof PollClient pc) {
                pc.timeoutMillis = POLL_TIMEOUT_MILLIS;
            }
        }
    }

    static Results.Hold run(LoadMain main, Target t, String transport, List<Client> clients) throws Exception {
        int seconds = plan(main.mode)[1];
        int[] hb0 = new int[clients.size()];
        int[] drops0 = new int[clients.size()];
        for (int i = 0; i < clients.size(); i++) {
            hb0[i] = clients.get(i).heartbeats.get();
            drops0[i] = clients.get(i).drops.get();
        }
        ProcStats.Meter meter = new ProcStats.Meter(main.pids.get(t.name()));
        LoadMain.log("hold %s %s n=%d for %d s", t.name(), transport, clients.size(), seconds);
        Thread.sleep(seconds * 1000L);
        double[] cores = meter.cores();
        int serverHeld = 0;
        for (int i = 0; i < 5; i++) { // pollers answered at their timeout are uncounted until they poll again
            serverHeld = Math.max(serverHeld, main.connections(t));
            Thread.sleep(200);
        }
        int open = 0;
        int drops = 0;
        Map<String, List<Integer>> beats = new TreeMap<>();
        for (int i = 0; i < clients.size(); i++) {
            Client c = clients.get(i);
            int d = c.drops.get() - drops0[i];
            drops += d;
            if (c.connected && d == 0) {
                open++;
            }
            beats.computeIfAbsent(c.transport(), k -> new ArrayList<>()).add(c.heartbeats.get() - hb0[i]);
        }
        StringBuilder hb = new StringBuilder();
        beats.forEach((tr, list) -> {
            list.sort(null);
            hb.append(hb.isEmpty() ? "" : "; ").append(tr).append(' ').append(list.get(0)).append(" / ")
                    .append(list.get(list.size() / 2)).append(" / ").append(list.get(list.size() - 1));
        });
        Results.Hold h = new Results.Hold(t.name(), transport, clients.size(), seconds, open, serverHeld, drops,
                hb.toString(), cores[0], cores[1]);
        LoadMain.log("%s", String.format(Locale.ROOT, "hold %s %s n=%d %ds: open %d, server holds %d, drops %d, heartbeats per connection (min / median / max) %s, cpu server=%.2f gen=%.2f",
                t.name(), transport, clients.size(), seconds, open, serverHeld, drops, h.heartbeats(), cores[0], cores[1]));
        return h;
    }
}
