package dev.realtime.redis;

import dev.realtime.Message;
import dev.realtime.spi.BusListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A bus listener that keeps what it is told, and the waiting the Redis tests do on it. */
final class Recorder implements BusListener {
    final List<Message> messages = new CopyOnWriteArrayList<>();
    final List<String> resyncs = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(Message message) {
        messages.add(message);
    }

    @Override
    public void onResync(String channel) {
        resyncs.add(channel);
    }

    List<Long> positions() {
        return messages.stream().map(Message::position).toList();
    }

    static boolean waitFor(BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(10);
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
