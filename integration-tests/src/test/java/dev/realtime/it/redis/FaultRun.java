package dev.realtime.it.redis;

import dev.realtime.it.support.Http;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static dev.realtime.it.support.Http.enc;

/**
 * Traffic for one fault scenario on one channel: a publisher per node, and on each node a subscriber
 * per transport plus one that stops reading while the fault lasts, all starting from one cursor. The
 * test marks when the fault begins and ends; {@link #finish} stops the traffic, waits for delivery
 * and returns what was measured.
 */
final class FaultRun implements AutoCloseable {
    /** How long after the fault ends every subscriber must have a message published after it (docs: RELIABILITY.md). */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);
    /** A publish answers within the bus timeout, plus this for the HTTP round trip and a loaded machine. */
    static final Duration ANSWER_MARGIN = Duration.ofMillis(1500);
    private static final long PUBLISH_PERIOD_MILLIS = 20;

    final String scenario;
    final String channel = "faults:" + UUID.randomUUID();
    final List<Subscriber> subscribers = new ArrayList<>();
    final List<Subscriber> pausing = new ArrayList<>();
    /** The subscribers whose home is each node, in the order the homes were given. */
    final List<List<Subscriber>> byHome = new ArrayList<>();
    final List<Publisher> publishers = new ArrayList<>();
    private final List<Publisher> gone = new ArrayList<>();
    private long faultBegan;
    private long faultEnded;

    /**
     * @param homes        the nodes whose clients take part (a subscriber set and a publisher on each)
     * @param fallbacks    for each home, where its subscribers resume when it cannot be reached
     */
    FaultRun(String scenario, List<URL> homes, List<URL> fallbacks) {
        this.scenario = scenario;
        String cursor = Http.json(new Http(homes.get(0)).get("/realtime/poll?channel=" + enc(channel) + "&timeout=0"))
                .getString("cursor");
        for (int i = 0; i < homes.size(); i++) {
            List<URL> nodes = List.of(homes.get(i), fallbacks.get(i));
            String n = Character.toString('a' + i);
            subscribers.add(new WsSubscriber("ws-" + n, channel, cursor, nodes));
            subscribers.add(new SseSubscriber("sse-" + n, channel, cursor, nodes));
            subscribers.add(new PollSubscriber("poll-" + n, channel, cursor, nodes));
            Subscriber stalling = i % 2 == 0 ? new WsSubscriber("ws-" + n + "-stops-reading", channel, cursor, nodes)
                    : new SseSubscriber("sse-" + n + "-stops-reading", channel, cursor, nodes);
            subscribers.add(stalling);
            pausing.add(stalling);
            byHome.add(List.copyOf(subscribers.subList(subscribers.size() - 4, subscribers.size())));
        }
        subscribers.forEach(Subscriber::start);
        for (int i = 0; i < homes.size(); i++) {
            publishers.add(new Publisher("pub-" + (char) ('a' + i), homes.get(i), channel, PUBLISH_PERIOD_MILLIS));
        }
    }

    /** Waits until every subscriber has received a few messages: the traffic flows before the fault. */
    void awaitFlowing() {
        await(() -> subscribers.stream().allMatch(s -> s.messages() >= 10), Duration.ofSeconds(30),
                "every subscriber receives messages before the fault");
    }

    /** The fault begins: the pausing subscribers stop reading. */
    void faultBegins() {
        faultBegan = System.nanoTime();
        pausing.forEach(Subscriber::pause);
    }

    /** The fault is over: the pausing subscribers read again. */
    void faultEnds() {
        faultEnded = System.nanoTime();
        pausing.forEach(Subscriber::resume);
    }

    long faultBeganNanos() {
        return faultBegan;
    }

    long faultEndedNanos() {
        return faultEnded;
    }

    /** The node of publisher {@code index} is gone for good: it stops, and recovery is not waited for on it. */
    void publisherGone(int index) throws InterruptedException {
        Publisher p = publishers.get(index);
        p.close();
        gone.add(p);
    }

    /**
     * Keeps publishing until every subscriber has a message published after the fault ended, then
     * stops the publishers and waits until every acknowledged message has arrived everywhere
     * ({@code which} selects the acknowledgements that must arrive).
     */
    Result finish(Predicate<Publisher.Attempt> which) throws InterruptedException {
        long ended = faultEnded;
        await(() -> subscribers.stream().allMatch(s -> firstAfter(s, ended) > 0)
                        && publishers.stream().filter(p -> !gone.contains(p)).allMatch(p -> p.acksStartedAfter(ended) >= 10),
                RECOVERY_BOUND.plusSeconds(5), "delivery resumes after the fault");
        for (Publisher p : publishers) {
            p.close();
        }
        DeliveryCheck check = new DeliveryCheck(publishers);
        await(() -> subscribers.stream().allMatch(s -> check.hasEveryAcknowledged(s, which)), Duration.ofSeconds(30),
                "every acknowledged message reaches every subscriber");
        Thread.sleep(300); // anything more (a duplicate) would arrive now
        for (Subscriber s : subscribers) {
            s.close();
        }
        return new Result(check, ended);
    }

    /** When {@code s} first received a message published after {@code nanos}, in nanoseconds after it; 0 if never. */
    private long firstAfter(Subscriber s, long nanos) {
        java.util.Set<String> after = publishers.stream().flatMap(p -> p.attempts.stream())
                .filter(a -> a.startNanos() > nanos).map(Publisher.Attempt::key).collect(Collectors.toSet());
        return s.events.stream().filter(e -> !e.gap() && after.contains(e.key())).findFirst()
                .map(e -> Math.max(1, e.nanos() - nanos)).orElse(0L);
    }

    /** What a finished run measured. */
    final class Result {
        final DeliveryCheck check;
        final long recoveryMillis;
        final long publishResumedMillis;
        final long slowestAnswerMillis;

        Result(DeliveryCheck check, long ended) {
            this.check = check;
            this.recoveryMillis = subscribers.stream().mapToLong(s -> firstAfter(s, ended)).max().orElse(0) / 1_000_000;
            this.publishResumedMillis = publishers.stream().filter(p -> !gone.contains(p))
                    .mapToLong(p -> p.acks.stream().filter(a -> a.attempt().startNanos() > ended)
                            .mapToLong(a -> a.attempt().endNanos() - ended).min().orElse(0))
                    .max().orElse(0) / 1_000_000;
            this.slowestAnswerMillis = publishers.stream().flatMap(p -> p.attempts.stream())
                    .filter(a -> !isFailure(a)).mapToLong(Publisher.Attempt::millis).max().orElse(0);
        }

        private boolean isFailure(Publisher.Attempt a) {
            return publishers.stream().anyMatch(p -> p.failures.contains(a));
        }

        /** Refusals that are not {@code 503 bus_unavailable}: none is allowed. */
        List<String> otherRefusals() {
            return publishers.stream().flatMap(p -> p.refusals.stream())
                    .filter(r -> r.status() != 503 || !r.body().contains("\"bus_unavailable\""))
                    .map(r -> r.attempt().key() + ": " + r.status() + " " + r.body()).toList();
        }

        long refusals() {
            return publishers.stream().mapToLong(p -> p.refusals.size()).sum();
        }

        long acknowledged() {
            return publishers.stream().mapToLong(p -> p.acks.size()).sum();
        }

        long delivered() {
            return subscribers.stream().mapToLong(Subscriber::messages).sum();
        }

        long resumes() {
            return subscribers.stream().mapToLong(s -> s.resumes.get()).sum();
        }

        /** One line for target/fault-report.txt (the figures behind RELIABILITY.md). */
        String line() {
            return String.format(Locale.ROOT, "%-34s fault %5d ms | acknowledged %5d, refused %4d (slowest answer %5d ms) | "
                            + "delivered %6d to %d subscribers, %3d resumes | publishing again %5d ms, every subscriber %5d ms after the fault",
                    scenario, TimeUnit.NANOSECONDS.toMillis(faultEnded - faultBegan), acknowledged(), refusals(),
                    slowestAnswerMillis, delivered(), subscribers.size(), resumes(), publishResumedMillis, recoveryMillis);
        }

        void report() throws IOException {
            Path out = Path.of("target", "fault-report.txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, line() + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.println(line());
        }
    }

    String describe() {
        return subscribers.stream().map(s -> s.name + " (" + s.messages() + " messages, " + s.resumes.get() + " resumes, last failure "
                + s.lastFailure() + "): " + tail(s.events)).collect(Collectors.joining("\n  ", "\n  ", ""))
                + "\n  " + publishers;
    }

    private static String tail(List<Subscriber.Event> events) {
        List<Subscriber.Event> copy = List.copyOf(events);
        return copy.size() <= 12 ? copy.toString() : "..." + copy.subList(copy.size() - 12, copy.size());
    }

    /** Every subscriber's events and every publisher's attempts, for reading after a failure. */
    void dump() {
        StringBuilder b = new StringBuilder(scenario).append(", fault from ").append(faultBegan).append(" to ").append(faultEnded).append('\n');
        for (Subscriber s : subscribers) {
            b.append(s.name).append(": ").append(s.events.stream().map(e -> e + "@" + e.nanos()).toList()).append('\n');
        }
        for (Publisher p : publishers) {
            b.append(p.name).append(" acks: ").append(p.acks.stream().map(a -> a.attempt().key() + "#" + a.id() + "@"
                    + a.attempt().startNanos() + "-" + a.attempt().endNanos()).toList()).append('\n');
            b.append(p.name).append(" refusals: ").append(p.refusals.stream().map(r -> r.attempt().key() + " " + r.status() + "@"
                    + r.attempt().startNanos() + "-" + r.attempt().endNanos()).toList()).append('\n');
        }
        try {
            Path out = Path.of("target", "fault-events", scenario.replaceAll("[^A-Za-z0-9]+", "-") + ".txt");
            Files.createDirectories(out.getParent());
            Files.writeString(out, b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void await(BooleanSupplier condition, Duration within, String what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                dump();
                throw new AssertionError(scenario + ": " + what + " (waited " + within.toSeconds() + " s)" + describe());
            }
            Subscriber.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Publisher p : publishers) {
            p.close();
        }
        for (Subscriber s : subscribers) {
            s.close();
        }
    }
}
