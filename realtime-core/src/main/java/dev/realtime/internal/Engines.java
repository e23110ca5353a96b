package dev.realtime.internal;

import dev.realtime.Authorizer;
import dev.realtime.PublishHook;
import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds an {@link Engine} from settings: threads, the chosen bus, the configured publish hook. */
public final class Engines {
    private static final System.Logger LOG = System.getLogger(Engines.class.getName());

    private Engines() {
    }

    /**
     * @param context the web application's context path ({@code ""} for the root): names the threads, the
     *                MBeans and the meters' {@code context} tag
     * @param loader  the web application's class loader (bus providers and hooks are looked up there)
     */
    public static Engine start(Settings settings, String context, ClassLoader loader) {
        String name = context.isEmpty() ? "" : context.replace('/', '-');
        List<Thread> started = new CopyOnWriteArrayList<>();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, threads("realtime-timer" + name, started));
        scheduler.setRemoveOnCancelPolicy(true);
        ExecutorService executor = Executors.newFixedThreadPool(settings.ioThreads, threads("realtime-io" + name, started));
        Clock clock = Clock.systemUTC();
        try {
            BusLoader.Choice choice = BusLoader.choose(settings.raw(Settings.BUS).orElse(null), loader);
            MessageBus bus = choice.provider().create(context(settings, clock, scheduler));
            LOG.log(System.Logger.Level.DEBUG, "realtime" + name + ": message bus '" + choice.provider().name()
                    + "' (" + choice.reason() + "), epoch " + bus.epoch());
            Engine engine = new Engine(settings, bus, clock, scheduler, executor, true);
            engine.joinOnClose(started);
            engine.busName(choice.provider().name(), choice.reason());
            engine.exposure().start(context.isEmpty() ? "/" : context);
            settings.raw(Settings.PUBLISH_HOOK).ifPresent(hook -> engine.addPublishHook(create(Settings.PUBLISH_HOOK, hook, PublishHook.class, loader)));
            settings.raw(Settings.AUTHORIZER).ifPresent(a -> engine.setAuthorizer(create(Settings.AUTHORIZER, a, Authorizer.class, loader)));
            return engine;
        } catch (RuntimeException e) {
            executor.shutdownNow();
            scheduler.shutdownNow();
            throw e;
        }
    }

    static BusContext context(Settings settings, Clock clock, ScheduledExecutorService scheduler) {
        return new BusContext() {
            @Override
            public int historySize() {
                return settings.historySize;
            }

            @Override
            public Duration historyAge() {
                return settings.historyAge;
            }

            @Override
            public long historyMaxBytes() {
                return settings.historyMaxBytes;
            }

            @Override
            public int idempotencyMaxKeys() {
                return settings.idempotencyMaxKeys;
            }

            @Override
            public long idempotencyMaxBytes() {
                return settings.idempotencyMaxBytes;
            }

            @Override
            public Optional<String> parameter(String name) {
                return settings.raw(name);
            }

            @Override
            public Clock clock() {
                return clock;
            }

            @Override
            public ScheduledExecutorService scheduler() {
                return scheduler;
            }
        };
    }

    /** An application class named in web.xml, with a message naming the parameter when it cannot be made. */
    private static <T> T create(String parameter, String className, Class<T> type, ClassLoader loader) {
        try {
            return type.cast(Class.forName(className, true, loader).getDeclaredConstructor().newInstance());
        } catch (ClassCastException e) {
            throw new ConfigurationException(parameter + "=" + className + ": the class does not implement " + type.getName());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ConfigurationException(parameter + "=" + className
                    + ": cannot create it; it needs a public no-argument constructor (" + e + ")", e);
        }
    }

    /** Names the library's threads and remembers them, so closing the engine can wait until each has ended. */
    private static ThreadFactory threads(String prefix, List<Thread> started) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            started.add(t);
            return t;
        };
    }
}
