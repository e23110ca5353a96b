package dev.realtime.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and RSS of a process, from /proc (Linux). */
public final class ProcStats {
    /** Clock ticks per second for /proc/<pid>/stat; 100 on Linux for x86-64 and arm64. */
    private static final double HZ = 100.0;

    private ProcStats() {
    }

    /** User + system CPU seconds used so far. */
    public static double cpuSeconds(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid(1) ... utime is field 14 overall = index 11 here, stime index 12
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / HZ;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident set size in bytes (VmRSS). */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** A CPU meter for the server and this generator over one phase. */
    static final class Meter {
        final long serverPid;
        final long t0 = System.nanoTime();
        final double server0;
        final double gen0;

        Meter(long serverPid) {
            this.serverPid = serverPid;
            this.server0 = cpuSeconds(serverPid);
            this.gen0 = cpuSeconds(ProcessHandle.current().pid());
        }

        /** {serverCores, generatorCores}: average cores busy since the meter started. */
        double[] cores() {
            double secs = (System.nanoTime() - t0) / 1e9;
            return new double[]{(cpuSeconds(serverPid) - server0) / secs,
                    (cpuSeconds(ProcessHandle.current().pid()) - gen0) / secs};
        }
    }
}
