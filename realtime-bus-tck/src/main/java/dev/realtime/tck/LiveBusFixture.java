package dev.realtime.tck;

import dev.realtime.Message;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.LiveBus;
import dev.realtime.spi.LiveListener;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.PresenceEvent;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the protocol 1.1 contracts share: the bus under test and its {@link LiveBus}, created before each
 * test from a {@link TestBusContext} and closed after it, further buses (nodes), names unique to the run
 * and recorders of what listeners received. A bus test extends the contracts for what its bus offers
 * ({@link LiveBusContract}, then {@link WildcardContract} or {@link RefusesWildcardsContract}, and
 * {@link CrossNodeLiveContract} for a bus whose nodes share a store), never this class itself.
 */
public abstract class LiveBusFixture {
    private static final AtomicInteger CHANNELS = new AtomicInteger();
    private final String run = Long.toString(System.nanoTime() & 0xFFFFFFFL, 36);
    private final List<MessageBus> buses = new ArrayList<>();
    private final List<TestBusContext> contexts = new ArrayList<>();
    protected MessageBus bus;
    protected LiveBus live;
    protected TestBusContext context;

    /** Creates a bus; the kit closes it after the test. */
    protected abstract MessageBus createBus(BusContext context);

    /** Configuration parameters of the kit's contexts (e.g. a data store address). */
    protected Map<String, String> parameters() {
        return Map.of();
    }

    /** A further bus with a context of its own: another node of the same store; closed after the test. */
    protected MessageBus newBus() {
        TestBusContext c = new TestBusContext(20, Duration.ofMinutes(10), parameters());
        contexts.add(c);
        MessageBus b = createBus(c);
        buses.add(b);
        if (context == null) {
            context = c;
        }
        return b;
    }

    /** A name unique to this run: {@code name-run-n}, with no ':' so it can follow a pattern prefix. */
    protected String unique(String name) {
        return name + "-" + run + "-" + CHANNELS.incrementAndGet();
    }

    @BeforeEach
    void createBusUnderTest() {
        bus = newBus();
        live = bus.live();
        assertThat(live).as("this kit is for buses that offer a live bus").isNotNull();
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(MessageBus::close);
        buses.clear();
        contexts.forEach(TestBusContext::close);
        contexts.clear();
    }

    /** Records the presence events {@code live} announces on {@code channel}. */
    protected static Recorder<PresenceEvent> presenceOf(LiveBus live, String channel) {
        Recorder<PresenceEvent> r = new Recorder<>();
        live.listen(channel, new LiveListener() {
            @Override
            public void onPresence(PresenceEvent event) {
                r.add(event);
            }
        });
        return r;
    }

    /** A listener recording the ephemeral messages it gets. */
    protected static LiveListener ephemeralTo(Recorder<Message> r) {
        return new LiveListener() {
            @Override
            public void onEphemeral(Message message) {
                r.add(message);
            }
        };
    }

    /** Records what a listener received; waits for it, or for silence. */
    protected static final class Recorder<T> {
        private final BlockingQueue<T> received = new LinkedBlockingQueue<>();

        void add(T item) {
            received.add(item);
        }

        public List<T> await(int n) {
            List<T> got = new ArrayList<>();
            try {
                while (got.size() < n) {
                    T next = received.poll(10, TimeUnit.SECONDS);
                    if (next == null) {
                        fail("received " + got.size() + " of " + n + " within 10 s: " + got);
                    }
                    got.add(next);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
            return got;
        }

        public void assertQuiet() {
            try {
                T extra = received.poll(300, TimeUnit.MILLISECONDS);
                assertThat(extra).as("nothing more").isNull();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
