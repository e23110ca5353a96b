package dev.realtime.internal;

import dev.realtime.spi.MessageBus;
import dev.realtime.spi.TestBusContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the engine's unit tests share, as a JUnit extension ({@code @RegisterExtension}): a bus
 * context with a clock the test moves, engines on the in-memory bus whose tasks run on the caller's
 * thread, and everything closed after each test.
 */
public final class EngineFixture implements AfterEachCallback {
    public final TestBusContext ctx;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    /** @param historySize messages the in-memory bus keeps per channel */
    public EngineFixture(int historySize) {
        ctx = new TestBusContext(historySize, Duration.ofMinutes(10), Map.of());
    }

    /** An engine with these parameters on a new in-memory bus. */
    public Engine engine(Map<String, String> params) {
        return engine(params, new MemoryBusProvider().create(ctx), new DirectExecutor());
    }

    public Engine engine(Map<String, String> params, MessageBus bus, DirectExecutor executor) {
        return closeAfter(new Engine(new Settings(params::get), bus, ctx.clock(), ctx.scheduler(), executor, false));
    }

    /** Closes {@code c} after the test (in the order given, before the bus context). */
    public <T extends AutoCloseable> T closeAfter(T c) {
        toClose.add(c);
        return c;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        toClose.clear();
        ctx.close();
    }
}
