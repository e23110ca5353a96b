package dev.realtime.bench.load;

import java.util.ArrayList;
import java.util.List;

/** Everything one run measured, as plain records for the report. */
final class Results {
    record Idle(String target, String transport, int connections, int held, double connectSeconds,
                long heapBefore, long heapAfter, long rssBefore, long rssAfter, int threadsAfter) {
        double heapPerConnKiB() {
            return (heapAfter - heapBefore) / 1024.0 / connections;
        }

        double rssPerConnKiB() {
            return (rssAfter - rssBefore) / 1024.0 / connections;
        }
    }

    record Step(String target, String transport, int subscribers, int rate, double seconds, int published,
                long expected, long delivered, long lost, long duplicates, int publishErrors, int disconnects,
                double deliveriesPerSecond, double p50, double p99, double p999, double max,
                double serverCores, double generatorCores, long pollRequests, long pollBytes,
                double publishAnswerP50, double publishAnswerP99, double loadAverage) {
        boolean pass() {
            return lost == 0 && publishErrors == 0 && disconnects == 0 && p99 < 100.0 && delivered > 0;
        }
    }

    record Storm(String target, int clients, int rate, int published, long expected, long lost, long duplicates,
                 int clientsWithLoss, int reconnectClients, int reconnected, double reconnectMaxMs,
                 int caughtUp, double caughtUpP50Ms, double caughtUpMaxMs, double serverCores, double generatorCores,
                 String lossByTransport) {
    }

    /**
     * Capacity hold: connections kept open for {@code seconds} after the idle measurement. {@code open}:
     * clients still connected at the end with no close or failed poll during the hold; {@code serverHeld}:
     * the server's own count at the end; {@code heartbeats}: per transport, heartbeats received per
     * connection during the hold (min / median / max).
     */
    record Hold(String target, String transport, int connections, double seconds, int open, int serverHeld,
                int drops, String heartbeats, double serverCores, double generatorCores) {
    }

    /** A wall-clock phase of the run (JMH, server start-up, idle, fan-out, ...), for the report's timing table. */
    record PhaseTime(String name, double seconds) {
    }

    final List<Idle> idle = new ArrayList<>();
    final List<Hold> holds = new ArrayList<>();
    /** Many-channels steps (the step kept for each rate); {@code transport} is ws, sse, poll or mixed. */
    final List<Step> channelSteps = new ArrayList<>();
    final List<PhaseTime> phases = new ArrayList<>();
    /** The step kept for each rate (best of the repeats). */
    final List<Step> steps = new ArrayList<>();
    /** Every step run, repeats included (raw CSV). */
    final List<Step> allSteps = new ArrayList<>();
    final List<Storm> storms = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
}
