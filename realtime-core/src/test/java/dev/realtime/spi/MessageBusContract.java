package dev.realtime.spi;

import dev.realtime.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The bus compatibility kit: every {@link MessageBus} extends this class and passes it.
 *
 * <p>A subclass says how to create its bus from a {@link BusContext}; the kit hands it a
 * {@link TestBusContext} whose clock only moves through {@link #advance(Duration)}. A bus that reads the
 * context's clock (as it should) needs nothing more; a bus whose store ages data by real time overrides
 * {@link #advance(Duration)} (and {@link #historyAge()}) to wait instead.
 *
 * <p>Channel names are unique per test ({@link #channel(String)}), so a bus backed by a shared store
 * needs no cleaning between tests.
 */
public abstract class MessageBusContract {
    private static final AtomicInteger CHANNELS = new AtomicInteger();
    private final String run = Long.toString(System.nanoTime() & 0xFFFFFFFL, 36);
    private final List<MessageBus> buses = new ArrayList<>();
    private final List<TestBusContext> contexts = new ArrayList<>();
    private Set<Thread> threadsBeforeBus;

    /** The context the default bus was created with. */
    protected TestBusContext context;
    /** The bus under test, created before each test. */
    protected MessageBus bus;

    /** Creates the bus under test; the kit closes it after the test. */
    protected abstract MessageBus createBus(BusContext context);

    /** Messages kept per channel in the kit's contexts. */
    protected int historySize() {
        return 20;
    }

    /** Age of history in the kit's contexts. */
    protected Duration historyAge() {
        return Duration.ofMinutes(10);
    }

    /** Configuration parameters of the kit's contexts (e.g. a data store address). */
    protected Map<String, String> parameters() {
        return Map.of();
    }

    /**
     * Lets {@code by} pass as far as the bus is concerned. The default moves the context's test clock;
     * a bus aging data by real time overrides this to sleep.
     */
    protected void advance(Duration by) {
        context.clock().advance(by);
    }

    /** How long the kit waits for an asynchronous delivery before failing. */
    protected Duration deliveryTimeout() {
        return Duration.ofSeconds(10);
    }

    /** How long the kit waits to be confident that something does <em>not</em> arrive. */
    protected Duration quietPeriod() {
        return Duration.ofMillis(200);
    }

    /** A new context with the kit's settings; closed after the test. */
    protected TestBusContext newContext() {
        TestBusContext c = new TestBusContext(historySize(), historyAge(), parameters());
        contexts.add(c);
        return c;
    }

    /** A further bus (e.g. a second node); closed after the test. */
    protected MessageBus newBus(BusContext c) {
        MessageBus b = createBus(c);
        assertThat(b).as("createBus must return a bus").isNotNull();
        buses.add(b);
        return b;
    }

    /** A channel name unique to this test run. */
    protected String channel(String name) {
        return name + "-" + run + "-" + CHANNELS.incrementAndGet();
    }

    @BeforeEach
    void createBusUnderTest() {
        context = newContext();
        threadsBeforeBus = Set.copyOf(Thread.getAllStackTraces().keySet());
        bus = newBus(context);
    }

    @AfterEach
    void closeBuses() {
        for (MessageBus b : buses) {
            b.close();
        }
        buses.clear();
        contexts.forEach(TestBusContext::close);
        contexts.clear();
    }

    // ---------------------------------------------------------------- publish, positions, head

    @Test
    void positionsArePositiveAndIncreaseByOneInPublishOrder() {
        String ch = channel("positions");
        long previous = 0;
        for (int i = 0; i < 10; i++) {
            Published p = bus.publish(ch, "message", "{\"n\":" + i + "}", null);
            assertThat(p.channel()).isEqualTo(ch);
            assertThat(p.duplicate()).isFalse();
            assertThat(p.position()).as("position of publish #%d", i).isPositive();
            if (i > 0) { // a subscriber that sees a position skipped reads history for the ones between
                assertThat(p.position()).as("position of publish #%d", i).isEqualTo(previous + 1);
            }
            assertThat(p.id()).isEqualTo(Long.toString(p.position()));
            previous = p.position();
        }
    }

    @Test
    void headIsZeroForAnUnknownChannelAndTheNewestPositionAfterPublishing() {
        String ch = channel("head");
        assertThat(bus.head(ch)).isZero();
        Published first = bus.publish(ch, "message", "1", null);
        assertThat(bus.head(ch)).isEqualTo(first.position());
        Published second = bus.publish(ch, "message", "2", null);
        assertThat(bus.head(ch)).isEqualTo(second.position());
        assertThat(bus.head(channel("other"))).as("another channel's head").isZero();
    }

    @Test
    void channelsHaveTheirOwnHistory() {
        String a = channel("a");
        String b = channel("b");
        bus.publish(a, "message", "\"a1\"", null);
        bus.publish(b, "message", "\"b1\"", null);
        bus.publish(a, "message", "\"a2\"", null);
        assertThat(data(bus.read(a, bus.epoch(), 0, 100).messages())).containsExactly("\"a1\"", "\"a2\"");
        assertThat(data(bus.read(b, bus.epoch(), 0, 100).messages())).containsExactly("\"b1\"");
    }

    @Test
    void messagesCarryWhatWasPublishedAndTheContextClocksTime() {
        String ch = channel("fields");
        Recorder r = new Recorder();
        bus.subscribe(ch, r);
        long now = context.clock().millis();
        String data = "{\"text\":\"h\\u00e9llo \\\"w\\\" \\n\",\"list\":[1,2.5,true,null]}";
        Published p = bus.publish(ch, "typing", data, null);
        Published nul = bus.publish(ch, "message", "null", null);

        List<Message> live = r.await(2);
        List<Message> stored = bus.read(ch, bus.epoch(), 0, 10).messages();
        for (List<Message> got : List.of(live, stored)) {
            assertThat(got).hasSize(2);
            Message m = got.get(0);
            assertThat(m.channel()).isEqualTo(ch);
            assertThat(m.position()).isEqualTo(p.position());
            assertThat(m.event()).isEqualTo("typing");
            assertThat(m.data()).isEqualTo(data);
            assertThat(m.timestamp()).as("ts comes from the context's clock").isEqualTo(now);
            assertThat(got.get(1).data()).isEqualTo("null");
            assertThat(got.get(1).position()).isEqualTo(nul.position());
        }
    }

    @Test
    void epochIsOneToSixteenLettersOrDigitsAndStable() {
        String epoch = bus.epoch();
        assertThat(epoch).matches("[A-Za-z0-9]{1,16}");
        bus.publish(channel("epoch"), "message", "1", null);
        assertThat(bus.epoch()).isEqualTo(epoch);
    }

    // ---------------------------------------------------------------- live delivery and ordering

    @Test
    void aSubscriberReceivesEveryMessageInPublishOrder() {
        String ch = channel("order");
        Recorder r = new Recorder();
        bus.subscribe(ch, r);
        List<Long> published = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            published.add(bus.publish(ch, "message", Integer.toString(i), null).position());
        }
        List<Message> got = r.await(100);
        assertThat(positions(got)).isEqualTo(published);
        assertThat(data(got)).isEqualTo(numbers(0, 100));
        r.assertNothingMoreAfter(quietPeriod());
    }

    @Test
    void concurrentPublishersEverySubscriberSeesStrictlyIncreasingPositionsWithNoneMissing() throws Exception {
        String ch = channel("concurrent");
        int threads = 4;
        int each = 250;
        List<Recorder> subscribers = List.of(new Recorder(), new Recorder(), new Recorder());
        subscribers.forEach(r -> bus.subscribe(ch, r));

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> mine = new ArrayList<>(each);
                    for (int i = 0; i < each; i++) {
                        mine.add(bus.publish(ch, "message", "\"" + thread + ":" + i + "\"", null).position());
                    }
                    return mine;
                }));
            }
            start.countDown();
            Set<Long> published = new HashSet<>();
            for (Future<List<Long>> f : results) {
                List<Long> mine = f.get(60, TimeUnit.SECONDS);
                assertThat(mine).as("one publisher's own positions").isSorted().doesNotHaveDuplicates();
                published.addAll(mine);
            }
            assertThat(published).as("positions are unique across publishers").hasSize(threads * each);

            for (Recorder r : subscribers) {
                List<Long> seen = positions(r.await(threads * each));
                for (int i = 1; i < seen.size(); i++) {
                    if (seen.get(i) <= seen.get(i - 1)) {
                        fail("subscriber saw position %d after %d (index %d)", seen.get(i), seen.get(i - 1), i);
                    }
                }
                assertThat(new HashSet<>(seen)).as("a subscriber received every published message").isEqualTo(published);
                r.assertNothingMoreAfter(quietPeriod());
            }
            List<Long> tail = positions(bus.read(ch, bus.epoch(), 0, threads * each).messages());
            assertThat(tail).as("history is in position order").isSorted().doesNotHaveDuplicates();
            assertThat(tail).hasSize(Math.min(historySize(), threads * each));
            assertThat(tail.get(tail.size() - 1)).isEqualTo(Collections.max(published));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void subscriptionIsLiveWhenSubscribeReturnsAndSeesNothingPublishedBefore() {
        String ch = channel("live");
        bus.publish(ch, "message", "\"before\"", null);
        Recorder r = new Recorder();
        bus.subscribe(ch, r);
        bus.publish(ch, "message", "\"after\"", null);
        assertThat(data(r.await(1))).containsExactly("\"after\"");
        r.assertNothingMoreAfter(quietPeriod());
    }

    @Test
    void aSubscriberReceivesOnlyItsChannel() {
        String a = channel("only-a");
        String b = channel("only-b");
        Recorder r = new Recorder();
        bus.subscribe(a, r);
        bus.publish(b, "message", "\"b\"", null);
        bus.publish(a, "message", "\"a\"", null);
        assertThat(data(r.await(1))).containsExactly("\"a\"");
        r.assertNothingMoreAfter(quietPeriod());
    }

    @Test
    void aClosedSubscriptionReceivesNothingWhileOthersOnTheChannelStillDo() {
        String ch = channel("close-sub");
        Recorder closed = new Recorder();
        Recorder open = new Recorder();
        BusSubscription sub = bus.subscribe(ch, closed);
        bus.subscribe(ch, open);
        bus.publish(ch, "message", "1", null);
        closed.await(1);
        open.await(1);

        sub.close();
        sub.close(); // closing twice is harmless
        bus.publish(ch, "message", "2", null);
        assertThat(data(open.await(2))).containsExactly("1", "2");
        closed.assertNothingMoreAfter(quietPeriod());
        assertThat(data(closed.messages())).containsExactly("1");
    }

    @Test
    void aChannelCanBeSubscribedAgainAfterEverySubscriptionClosed() {
        String ch = channel("resubscribe");
        for (int round = 0; round < 3; round++) {
            Recorder r = new Recorder();
            BusSubscription sub = bus.subscribe(ch, r);
            bus.publish(ch, "message", Integer.toString(round), null);
            assertThat(data(r.await(1))).as("round %d", round).containsExactly(Integer.toString(round));
            sub.close();
            bus.publish(ch, "message", "\"unheard\"", null);
            r.assertNothingMoreAfter(quietPeriod());
        }
    }

    @Test
    void theSameListenerOnTwoChannelsReceivesBoth() {
        String a = channel("two-a");
        String b = channel("two-b");
        Recorder r = new Recorder();
        bus.subscribe(a, r);
        bus.subscribe(b, r);
        bus.publish(a, "message", "\"a\"", null);
        r.await(1);
        bus.publish(b, "message", "\"b\"", null);
        List<Message> got = r.await(2);
        assertThat(got).extracting(Message::channel).containsExactly(a, b);
    }

    // ---------------------------------------------------------------- read and resume

    @Test
    void readReturnsTheMessagesAfterAPositionOldestFirst() {
        String ch = channel("read");
        List<Published> p = publish(ch, 6);
        HistoryPage page = bus.read(ch, bus.epoch(), p.get(2).position(), 100);
        assertThat(page.gap()).isFalse();
        assertThat(positions(page.messages())).containsExactly(
                p.get(3).position(), p.get(4).position(), p.get(5).position());
        assertThat(page.head()).isEqualTo(p.get(5).position()).isEqualTo(bus.head(ch));
    }

    @Test
    void readFromZeroReturnsAllHistoryWithoutGapWhenNothingWasLost() {
        String ch = channel("from-zero");
        List<Published> p = publish(ch, 5);
        HistoryPage page = bus.read(ch, bus.epoch(), 0, 100);
        assertThat(page.gap()).isFalse();
        assertThat(positions(page.messages())).isEqualTo(positionsOf(p));
    }

    @Test
    void readAtTheHeadIsEmptyWithoutGap() {
        String ch = channel("at-head");
        List<Published> p = publish(ch, 3);
        HistoryPage page = bus.read(ch, bus.epoch(), p.get(2).position(), 100);
        assertThat(page.messages()).isEmpty();
        assertThat(page.gap()).isFalse();
        assertThat(page.head()).isEqualTo(p.get(2).position());
    }

    @Test
    void readOfAChannelNeverPublishedIsEmptyWithoutGap() {
        HistoryPage page = bus.read(channel("never"), bus.epoch(), 0, 100);
        assertThat(page.messages()).isEmpty();
        assertThat(page.gap()).isFalse();
        assertThat(page.head()).isZero();
    }

    @Test
    void readReturnsAtMostLimitMessages() {
        String ch = channel("limit");
        List<Published> p = publish(ch, 10);
        HistoryPage page = bus.read(ch, bus.epoch(), 0, 3);
        assertThat(page.gap()).isFalse();
        assertThat(positions(page.messages())).isEqualTo(positionsOf(p.subList(0, 3)));
        assertThat(page.head()).isEqualTo(p.get(9).position());
        assertThat(bus.read(ch, bus.epoch(), 0, 1).messages()).hasSize(1);
    }

    @Test
    void pagingFromTheLastPositionReadYieldsEveryMessageOnceInOrder() {
        String ch = channel("paging");
        int n = Math.min(historySize(), 17);
        List<Published> p = publish(ch, n);
        List<Long> seen = new ArrayList<>();
        long after = 0;
        for (int pages = 0; pages < n + 1; pages++) {
            HistoryPage page = bus.read(ch, bus.epoch(), after, 4);
            assertThat(page.gap()).isFalse();
            if (page.messages().isEmpty()) {
                break;
            }
            assertThat(page.messages()).hasSizeLessThanOrEqualTo(4);
            seen.addAll(positions(page.messages()));
            after = page.messages().get(page.messages().size() - 1).position();
        }
        assertThat(seen).isEqualTo(positionsOf(p));
    }

    @Test
    void resumingFromALiveMessagesPositionReturnsWhatCameAfterIt() {
        String ch = channel("resume");
        Recorder r = new Recorder();
        BusSubscription sub = bus.subscribe(ch, r);
        publish(ch, 3);
        long last = r.await(3).get(2).position();
        sub.close();
        List<Published> missed = publish(ch, 4);
        HistoryPage page = bus.read(ch, bus.epoch(), last, 100);
        assertThat(page.gap()).isFalse();
        assertThat(positions(page.messages())).isEqualTo(positionsOf(missed));
    }

    // ---------------------------------------------------------------- history bounds and gaps

    @Test
    void historyKeepsAtMostTheConfiguredNumberOfMessages() {
        String ch = channel("size");
        int size = historySize();
        List<Published> p = publish(ch, size + 5);
        List<Long> retained = positionsOf(p.subList(5, size + 5));

        HistoryPage all = bus.read(ch, bus.epoch(), 0, size * 2);
        assertThat(positions(all.messages())).as("the newest %d messages", size).isEqualTo(retained);
        assertThat(all.gap()).as("messages after position 0 were trimmed").isTrue();
        assertThat(all.head()).isEqualTo(p.get(size + 4).position());

        HistoryPage fromJustBeforeOldest = bus.read(ch, bus.epoch(), p.get(4).position(), size * 2);
        assertThat(fromJustBeforeOldest.gap()).as("nothing after the 5th message was lost").isFalse();
        assertThat(positions(fromJustBeforeOldest.messages())).isEqualTo(retained);

        HistoryPage fromTrimmed = bus.read(ch, bus.epoch(), p.get(2).position(), 3);
        assertThat(fromTrimmed.gap()).as("the 4th and 5th messages were trimmed").isTrue();
        assertThat(positions(fromTrimmed.messages())).isEqualTo(retained.subList(0, 3));
    }

    @Test
    void historyForgetsMessagesOlderThanTheConfiguredAge() {
        String ch = channel("age");
        Duration age = historyAge();
        List<Published> old = publish(ch, 3);
        advance(age.dividedBy(2));
        List<Published> young = publish(ch, 2);
        advance(age.dividedBy(2).plus(age.dividedBy(10)));

        HistoryPage all = bus.read(ch, bus.epoch(), 0, 100);
        assertThat(positions(all.messages())).as("only the younger messages remain").isEqualTo(positionsOf(young));
        assertThat(all.gap()).isTrue();
        HistoryPage afterOld = bus.read(ch, bus.epoch(), old.get(2).position(), 100);
        assertThat(afterOld.gap()).as("nothing after the 3rd message expired").isFalse();
        assertThat(positions(afterOld.messages())).isEqualTo(positionsOf(young));
        HistoryPage inOld = bus.read(ch, bus.epoch(), old.get(0).position(), 100);
        assertThat(inOld.gap()).as("the 2nd and 3rd messages expired").isTrue();

        advance(age);
        HistoryPage expired = bus.read(ch, bus.epoch(), old.get(2).position(), 100);
        assertThat(expired.messages()).as("everything expired").isEmpty();
        assertThat(expired.gap()).isTrue();
        assertThat(expired.head()).as("expiry keeps positions").isEqualTo(young.get(1).position());
        assertThat(bus.head(ch)).isEqualTo(young.get(1).position());
        HistoryPage atHead = bus.read(ch, bus.epoch(), young.get(1).position(), 100);
        assertThat(atHead.gap()).as("a reader that had everything lost nothing").isFalse();
        assertThat(atHead.messages()).isEmpty();

        Published next = bus.publish(ch, "message", "\"next\"", null);
        assertThat(next.position()).as("positions keep increasing after expiry").isGreaterThan(young.get(1).position());
    }

    @Test
    void aWrongEpochIsAGapAndReturnsEverythingHeldFromTheOldest() {
        String ch = channel("epoch-gap");
        int size = historySize();
        List<Published> p = publish(ch, size + 2);
        String wrong = bus.epoch().equals("X0") ? "Y0" : "X0";

        HistoryPage page = bus.read(ch, wrong, p.get(size).position(), size * 2);
        assertThat(page.gap()).isTrue();
        assertThat(positions(page.messages())).as("everything held, whatever the position")
                .isEqualTo(positionsOf(p.subList(2, size + 2)));

        HistoryPage limited = bus.read(ch, wrong, Long.MAX_VALUE, 2);
        assertThat(limited.gap()).isTrue();
        assertThat(positions(limited.messages())).isEqualTo(positionsOf(p.subList(2, 4)));

        HistoryPage unknownChannel = bus.read(channel("epoch-empty"), wrong, 5, 10);
        assertThat(unknownChannel.gap()).as("another epoch is a gap even for an empty channel").isTrue();
        assertThat(unknownChannel.messages()).isEmpty();
    }

    // ---------------------------------------------------------------- idempotency

    @Test
    void aRepeatedIdempotencyKeyReturnsTheFirstResultAndPublishesNothing() {
        String ch = channel("idem");
        Recorder r = new Recorder();
        bus.subscribe(ch, r);
        Published first = bus.publish(ch, "message", "\"first\"", "key-1");
        Published again = bus.publish(ch, "message", "\"second\"", "key-1");
        assertThat(first.duplicate()).isFalse();
        assertThat(again.duplicate()).isTrue();
        assertThat(again.position()).isEqualTo(first.position());
        assertThat(again.channel()).isEqualTo(ch);
        assertThat(bus.head(ch)).isEqualTo(first.position());
        assertThat(data(bus.read(ch, bus.epoch(), 0, 10).messages())).containsExactly("\"first\"");

        Published other = bus.publish(ch, "message", "\"third\"", "key-2");
        assertThat(other.duplicate()).isFalse();
        assertThat(other.position()).isGreaterThan(first.position());
        assertThat(data(r.await(2))).containsExactly("\"first\"", "\"third\"");
        r.assertNothingMoreAfter(quietPeriod());
    }

    @Test
    void idempotencyKeysAreScopedToTheirChannel() {
        String a = channel("idem-a");
        String b = channel("idem-b");
        Published inA = bus.publish(a, "message", "1", "shared-key");
        Published inB = bus.publish(b, "message", "1", "shared-key");
        assertThat(inA.duplicate()).isFalse();
        assertThat(inB.duplicate()).isFalse();
        assertThat(bus.head(b)).isEqualTo(inB.position());
        assertThat(bus.publish(b, "message", "1", "shared-key")).isEqualTo(new Published(b, inB.position(), true));
    }

    @Test
    void publishesWithoutAKeyAreNeverDuplicates() {
        String ch = channel("no-key");
        Published a = bus.publish(ch, "message", "1", null);
        Published b = bus.publish(ch, "message", "1", null);
        assertThat(a.duplicate()).isFalse();
        assertThat(b.duplicate()).isFalse();
        assertThat(b.position()).isGreaterThan(a.position());
    }

    @Test
    void anIdempotencyKeyIsForgottenAfterTheHistoryAge() {
        String ch = channel("idem-age");
        Published first = bus.publish(ch, "message", "1", "key");
        advance(historyAge().dividedBy(2));
        assertThat(bus.publish(ch, "message", "1", "key").duplicate()).as("within the history age").isTrue();
        advance(historyAge());
        Published later = bus.publish(ch, "message", "1", "key");
        assertThat(later.duplicate()).as("after the history age the key publishes again").isFalse();
        assertThat(later.position()).isGreaterThan(first.position());
    }

    // ---------------------------------------------------------------- closing the bus

    @Test
    void aClosedBusDeliversNothingMoreAndLeavesNoTaskOrThreadBehind() throws InterruptedException {
        String ch = channel("close-bus");
        Recorder r = new Recorder();
        bus.subscribe(ch, r);
        bus.publish(ch, "message", "1", null);
        r.await(1);

        bus.close();
        bus.close(); // closing twice is harmless
        try {
            bus.publish(ch, "message", "2", null);
        } catch (RuntimeException refused) {
            // a closed bus may refuse to publish; it must not deliver
        }
        r.assertNothingMoreAfter(quietPeriod());
        assertThat(context.scheduledTasks()).as("tasks the bus left on the engine's scheduler").isZero();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left;
        do {
            left = threadsStartedByTheBus();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("threads started by the bus and still alive 10 s after close").isEmpty();
    }

    private List<String> threadsStartedByTheBus() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !threadsBeforeBus.contains(t))
                .filter(t -> !t.getName().startsWith(TestBusContext.SCHEDULER_THREAD_PREFIX))
                .map(Thread::getName)
                .sorted()
                .collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- helpers

    /** Publishes {@code n} messages with data 0..n-1. */
    protected List<Published> publish(String channel, int n) {
        List<Published> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(bus.publish(channel, "message", Integer.toString(i), null));
        }
        return out;
    }

    protected static List<Long> positions(List<Message> messages) {
        return messages.stream().map(Message::position).collect(Collectors.toList());
    }

    protected static List<Long> positionsOf(List<Published> published) {
        return published.stream().map(Published::position).collect(Collectors.toList());
    }

    protected static List<String> data(List<Message> messages) {
        return messages.stream().map(Message::data).collect(Collectors.toList());
    }

    private static List<String> numbers(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(Integer.toString(i));
        }
        return out;
    }

    /** Waits until the condition holds or the delivery timeout passes. */
    protected boolean waitFor(BooleanSupplier condition) {
        long deadline = System.nanoTime() + deliveryTimeout().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** A listener that records what it is given; recorded, never mocked. */
    protected class Recorder implements BusListener {
        private final List<Message> messages = new CopyOnWriteArrayList<>();
        private final List<String> resyncs = new CopyOnWriteArrayList<>();

        @Override
        public void onMessage(Message message) {
            messages.add(message);
        }

        @Override
        public void onResync(String channel) {
            resyncs.add(channel);
        }

        public List<Message> messages() {
            return List.copyOf(messages);
        }

        public List<String> resyncs() {
            return List.copyOf(resyncs);
        }

        /** Waits for at least {@code n} messages and returns exactly the first {@code n}; fails on timeout. */
        public List<Message> await(int n) {
            if (!waitFor(() -> messages.size() >= n)) {
                fail("expected %d messages within %s, got %d: %s", n, deliveryTimeout(), messages.size(),
                        messages.size() > 20 ? positions(messages) : messages);
            }
            return List.copyOf(messages).subList(0, n);
        }

        /** Fails if a message arrives during {@code quiet} beyond those already recorded. */
        public void assertNothingMoreAfter(Duration quiet) {
            int before = messages.size();
            try {
                Thread.sleep(quiet.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(messages).as("no further delivery").hasSize(before);
        }
    }
}
