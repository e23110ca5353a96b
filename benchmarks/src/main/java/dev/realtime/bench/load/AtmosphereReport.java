package dev.realtime.bench.load;

import java.util.List;
import java.util.Locale;

/** The report's "Atmosphere peer" section: Atmosphere's idle cost and fan-out knee beside the baseline's and the library's. */
final class AtmosphereReport {
    private AtmosphereReport() {
    }

    static void append(StringBuilder b, Results r) {
        boolean any = r.idle.stream().anyMatch(i -> i.target().equals(Target.ATMOSPHERE))
                || r.steps.stream().anyMatch(s -> s.target().equals(Target.ATMOSPHERE));
        if (!any) {
            return;
        }
        b.append("\n## Atmosphere peer\n\n");
        b.append("Atmosphere 3.1 (`bench-atmosphere.war`): `AtmosphereServlet` (async-supported) and a chat-style `@ManagedService` on one path with the annotation's defaults (its interceptors, heartbeat, `TrackMessageSizeInterceptor`, `UUIDBroadcasterCache`); publishing `POST`s hand the message to the `Broadcaster`. Clients speak atmosphere.js's protocol (handshake UUID, `<length>|<message>` framing). Same server settings, same steps, same run as the other targets.\n\n");
        b.append("**Heap per idle connection** (after full GC, KiB):\n\n");
        b.append("| transport | N | baseline | library | atmosphere | atmosphere - baseline | library - atmosphere |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (Results.Idle a : r.idle) {
            if (!a.target().equals(Target.ATMOSPHERE)) {
                continue;
            }
            Double base = idle(r.idle, "baseline", a);
            Double lib = idle(r.idle, "library", a);
            b.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %.2f | %s | %s |\n", a.transport(), a.connections(),
                    fmt(base, "%.2f"), fmt(lib, "%.2f"), a.heapPerConnKiB(),
                    base == null ? "n/a" : String.format(Locale.ROOT, "%+.2f", a.heapPerConnKiB() - base),
                    lib == null ? "n/a" : String.format(Locale.ROOT, "%+.2f", lib - a.heapPerConnKiB())));
        }
        b.append("\n**Fan-out knee** (highest tested rate with p99 < 100 ms and zero loss), and Atmosphere's losses over all its fan-out steps:\n\n");
        b.append("| transport | baseline knee msg/s | library knee msg/s | atmosphere knee msg/s | library / atmosphere | atmosphere lost / expected deliveries | dup |\n|---|---:|---:|---:|---:|---:|---:|\n");
        for (String tr : LoadMain.TRANSPORTS) {
            int base = Report.knee(r.steps, "baseline", tr);
            int lib = Report.knee(r.steps, "library", tr);
            int atmo = Report.knee(r.steps, Target.ATMOSPHERE, tr);
            long lost = 0;
            long expected = 0;
            long dup = 0;
            for (Results.Step s : r.steps) {
                if (s.target().equals(Target.ATMOSPHERE) && s.transport().equals(tr)) {
                    lost += s.lost();
                    expected += s.expected();
                    dup += s.duplicates();
                }
            }
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d / %d | %d |\n", tr, base > 0 ? base : "none",
                    lib > 0 ? lib : "none", atmo > 0 ? atmo : "none",
                    atmo > 0 && lib > 0 ? String.format(Locale.ROOT, "%.0f %%", 100.0 * lib / atmo) : "n/a", lost, expected, dup));
        }
    }

    private static Double idle(List<Results.Idle> all, String target, Results.Idle like) {
        return all.stream().filter(x -> x.target().equals(target) && x.transport().equals(like.transport())
                && x.connections() == like.connections()).findFirst().map(Results.Idle::heapPerConnKiB).orElse(null);
    }

    private static String fmt(Double d, String f) {
        return d == null ? "n/a" : String.format(Locale.ROOT, f, d);
    }
}
