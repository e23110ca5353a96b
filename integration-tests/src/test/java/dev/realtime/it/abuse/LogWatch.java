package dev.realtime.it.abuse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Embedded Tomcat and the library log through java.util.logging in this JVM: collects every record
 * that would alarm an operator (SEVERE, or a WARNING with a stack trace) while it is attached.
 */
public final class LogWatch extends Handler implements AutoCloseable {
    public final List<LogRecord> alarming = new CopyOnWriteArrayList<>();
    public final List<LogRecord> all = new CopyOnWriteArrayList<>();

    public static LogWatch attach() {
        LogWatch w = new LogWatch();
        Logger.getLogger("").addHandler(w);
        return w;
    }

    @Override
    public void publish(LogRecord r) {
        all.add(r);
        if (r.getLevel().intValue() >= Level.SEVERE.intValue()
                || (r.getLevel().intValue() >= Level.WARNING.intValue() && r.getThrown() != null)) {
            alarming.add(r);
        }
    }

    public static String describe(List<LogRecord> records) {
        return records.stream().map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                + (r.getParameters() == null ? "" : " " + java.util.Arrays.toString(r.getParameters()))
                + (r.getThrown() == null ? "" : "\n  " + stack(r.getThrown())))
                .collect(Collectors.joining("\n"));
    }

    static String stack(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
