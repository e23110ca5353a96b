package dev.realtime.internal;

import dev.realtime.AccessRequest;
import dev.realtime.Authorizer;
import dev.realtime.ChannelAccess;
import dev.realtime.ClientPublish;
import dev.realtime.ErrorCode;
import dev.realtime.Message;
import dev.realtime.PresenceMember;
import dev.realtime.PublishHook;
import dev.realtime.Realtime;
import dev.realtime.RealtimeException;
import dev.realtime.internal.metrics.HealthCheck;
import dev.realtime.internal.metrics.Histogram;
import dev.realtime.internal.metrics.Metrics;
import dev.realtime.internal.metrics.MetricsExposure;
import dev.realtime.internal.metrics.Origin;
import dev.realtime.TicketRequest;
import dev.realtime.internal.tickets.Admission;
import dev.realtime.internal.tickets.ScopedAccess;
import dev.realtime.internal.tickets.TicketAccessRequest;
import dev.realtime.internal.tickets.TicketKey;
import dev.realtime.internal.tickets.Tickets;
import dev.realtime.spi.BusListener;
import dev.realtime.spi.BusSubscription;
import dev.realtime.spi.LiveBus;
import dev.realtime.internal.presence.PresenceRegistry;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.Published;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One web application's realtime service: the bus, the settings, the library's threads, every live
 * session. Created at start-up and closed at shutdown by the container adapter; never static, so two
 * web applications in one container never share anything.
 */
public final class Engine implements Realtime, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final Settings settings;
    private final MessageBus bus;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService executor;
    private final Drains drains;
    private final boolean ownsThreads;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final Set<Runnable> closingTasks = ConcurrentHashMap.newKeySet();
    private final List<PublishHook> hooks = new CopyOnWriteArrayList<>();
    private final AddressCounts connectionsByAddress;
    private final RateLimiter httpPublishRate;
    private final ScheduledFuture<?> sweeper;
    private final ParkedPolls parkedPolls;
    /** Ephemeral messages and presence across nodes (protocol 1.1): the bus's, or this node's own. */
    private final LiveBus live;
    private final boolean ownsLive;
    private final PresenceRegistry presence;
    private final Metrics metrics;
    private final MetricsExposure exposure;
    private final ScheduledFuture<?> histogramRotation;
    private final HealthCheck health = new HealthCheck(this);
    private final Listeners listeners = new Listeners();
    private final java.util.concurrent.atomic.AtomicLong connectionIds = new java.util.concurrent.atomic.AtomicLong();
    private volatile String busName;
    private volatile String busReason = "given";
    private final Tickets tickets;
    private volatile Authorizer authorizer = request -> ChannelAccess.ALL;
    private volatile Jsonb jsonb;
    private volatile boolean closing;
    private volatile List<Thread> threadsToJoin = List.of();

    /** Test and embedding constructor: the caller owns the clock and the threads. */
    public Engine(Settings settings, MessageBus bus, Clock clock, ScheduledExecutorService scheduler,
                  ExecutorService executor, boolean ownsThreads) {
        this.settings = settings;
        this.bus = bus;
        this.clock = clock;
        this.scheduler = scheduler;
        this.executor = executor;
        this.drains = new Drains(executor, settings.ioThreads);
        this.ownsThreads = ownsThreads;
        this.httpPublishRate = new RateLimiter(settings.publishRate);
        this.connectionsByAddress = new AddressCounts(settings.connectionsPerAddress);
        this.parkedPolls = new ParkedPolls(this, settings.pollLinger.toMillis(), settings.connectionsMax, settings.connectionsPerAddress);
        LiveBus offered = bus.live();
        this.ownsLive = offered == null;
        if (ownsLive) {
            LOG.log(System.Logger.Level.INFO, "the message bus offers no live bus: presence and ephemeral messages stay on this node");
        }
        this.live = ownsLive ? new MemoryLive(clock) : offered;
        this.presence = new PresenceRegistry(live, clock, settings.presenceMaxMembers,
                (long) settings.connectionsPerAddress * settings.channelsMax, listeners);
        this.sweeper = scheduler.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
        this.metrics = new Metrics(settings.metricsEnabled, clock);
        this.metrics.subscriptionSource(this::countSubscriptions);
        this.exposure = new MetricsExposure(metrics);
        this.histogramRotation = scheduler.scheduleAtFixedRate(metrics::rotate, Histogram.ROTATE_SECONDS,
                Histogram.ROTATE_SECONDS, TimeUnit.SECONDS);
        this.busName = bus.getClass().getSimpleName();
        this.tickets = new Tickets(TicketKey.from(Settings.TICKET_KEY, settings.raw(Settings.TICKET_KEY), System::getenv),
                bus, clock, settings.ticketTtl, settings.ticketCredentialTtl);
    }

    /** Ephemeral messages and presence (protocol 1.1). */
    public LiveBus live() {
        return live;
    }

    /** This node's presence members. */
    public PresenceRegistry presence() {
        return presence;
    }

    /** Threads that must have ended when {@link #close()} returns (a pool's termination comes slightly before). */
    void joinOnClose(List<Thread> threads) {
        this.threadsToJoin = threads;
    }

    public Settings settings() {
        return settings;
    }

    public MessageBus bus() {
        return bus;
    }

    /** The bus provider's name ({@code memory}, {@code redis}), for the health endpoint and the start-up line. */
    public String busName() {
        return busName;
    }

    /** Why this bus was chosen, for the start-up line. */
    public String busReason() {
        return busReason;
    }

    void busName(String name, String reason) {
        this.busName = name;
        this.busReason = reason;
    }

    /** This application's counts (docs: README, "Monitoring"). */
    public Metrics metrics() {
        return metrics;
    }

    /** What {@code {base}/health} answers. */
    public HealthCheck health() {
        return health;
    }

    /** Where the counts are shown: JMX and a Micrometer registry. */
    public MetricsExposure exposure() {
        return exposure;
    }

    public Clock clock() {
        return clock;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** Where transports drain queues and write: never the publisher's thread. */
    public ExecutorService executor() {
        return executor;
    }

    /**
     * Runs a transport's drain of its queue on the library's threads: cheaper than {@link #executor()}
     * for the wake-ups of a fan-out, since many drains share one task.
     */
    public void drain(Runnable drain) {
        drains.submit(drain);
    }

    public boolean isClosing() {
        return closing;
    }

    /**
     * Opens a session for a connection, within the connection limits.
     *
     * @param replayBudget how many messages the session may take from history (long-poll answers are bounded)
     * @param address      the client's address, for the per-address connection limit
     * @param access       what the connection may subscribe to and publish on
     */
    public Session open(Session.Output output, int replayBudget, String address, ChannelAccess access) {
        return open(output, replayBudget, address, access, null);
    }

    /** The same, for a connection acting as {@code principal} (null: anonymous), which listeners see. */
    public Session open(Session.Output output, int replayBudget, String address, ChannelAccess access, java.security.Principal principal) {
        if (closing) {
            throw shuttingDown();
        }
        if (sessions.size() >= settings.connectionsMax) {
            throw new RealtimeException(ErrorCode.OVERLOADED, "the server holds its maximum of " + settings.connectionsMax
                    + " connections; retry shortly");
        }
        if (!connectionsByAddress.take(address)) {
            throw new RealtimeException(ErrorCode.RATE_LIMITED, "too many connections from your address (at most "
                    + settings.connectionsPerAddress + ")");
        }
        Session s = new Session(this, output, replayBudget, address, access, principal);
        sessions.add(s);
        metrics.opened(output.transport());
        if (listeners.any()) {
            listeners.opened(s);
        }
        return s;
    }

    /** A session for code that is not a network client (tests, embedding). */
    public Session open(Session.Output output, int replayBudget) {
        return open(output, replayBudget, "local", ChannelAccess.ALL);
    }

    /**
     * Counts a request that is not a session (an HTTP publish whose body is still arriving) against its
     * address's connection limit; {@link #releaseConnection} ends it.
     */
    public void takeConnection(String address) {
        if (!connectionsByAddress.take(address)) {
            throw new RealtimeException(ErrorCode.RATE_LIMITED, "too many connections from your address (at most "
                    + settings.connectionsPerAddress + ")");
        }
    }

    public void releaseConnection(String address) {
        connectionsByAddress.release(address);
    }

    private long lastRateSweep = System.nanoTime();

    /** Once a second: parked long-polls past their linger time; once a minute: idle publish-rate buckets. */
    private void sweep() {
        parkedPolls.sweep();
        presence.sweep(executor);
        long now = System.nanoTime();
        if (now - lastRateSweep >= TimeUnit.MINUTES.toNanos(1)) {
            lastRateSweep = now;
            httpPublishRate.sweep(now);
        }
    }

    /** Long-poll sessions kept between polls. */
    public ParkedPolls parkedPolls() {
        return parkedPolls;
    }

    /** A session parked between polls stops counting as a connection (of the node and of its address). */
    boolean detach(Session session) {
        if (sessions.remove(session)) {
            connectionsByAddress.release(session.address());
            metrics.closed(session.transportKind());
            return true;
        }
        return false;
    }

    /** A parked session taken over by a poll counts again, within the limits; false when over them. */
    boolean reattach(Session session) {
        if (closing || sessions.size() >= settings.connectionsMax || !connectionsByAddress.take(session.address())) {
            return false;
        }
        sessions.add(session);
        metrics.opened(session.transportKind());
        return true;
    }

    void forget(Session session) {
        if (sessions.remove(session)) {
            connectionsByAddress.release(session.address());
            metrics.closed(session.transportKind());
        }
    }

    /** What the connection opened by this request may do, as the configured {@link Authorizer} says. */
    public ChannelAccess access(AccessRequest request) {
        ChannelAccess access = authorizer.authorize(request);
        return access == null ? ChannelAccess.of(c -> false, c -> false) : access;
    }

    /**
     * The same for a request a ticket or resume token admitted ({@code null}: none): the authorizer
     * sees the ticket's user and roles, and its answer holds within the ticket's channels.
     */
    public ChannelAccess access(AccessRequest request, Admission admission) {
        if (admission == null) {
            return access(request);
        }
        return new ScopedAccess(access(new TicketAccessRequest(request, admission.credential())), admission.credential().scope());
    }

    public Tickets tickets() {
        return tickets;
    }

    @Override
    public String issueTicket(TicketRequest request) {
        return tickets.issue(request);
    }

    public void setAuthorizer(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    /** HTTP publishes are limited per client address; a WebSocket has its own bucket. */
    public void checkPublishRate(String address) {
        if (!httpPublishRate.tryAcquire(address, System.nanoTime())) {
            throw rateLimited();
        }
    }

    public RealtimeException rateLimited() {
        return new RealtimeException(ErrorCode.RATE_LIMITED, "more than " + settings.publishRate + " publishes per second; slow down");
    }

    public RateLimiter.Bucket publishBucket() {
        return httpPublishRate.bucket();
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** One walk over the sessions: every subscription, and the distinct channels they cover. */
    private Metrics.Subscriptions countSubscriptions() {
        long subscriptions = 0;
        Set<String> channels = new HashSet<>();
        for (Session s : sessions) {
            List<String> c = s.channels();
            subscriptions += c.size();
            channels.addAll(c);
        }
        return new Metrics.Subscriptions(subscriptions, channels.size());
    }

    /** Drops every connection (clients resume from their cursors). For operations and tests. */
    public void disconnectAll() {
        for (Session s : List.copyOf(sessions)) {
            s.terminate(Session.CloseCause.DROPPED);
        }
        parkedPolls.closeAll(); // long-polls between two requests: their next poll takes the full path from its cursor
    }

    @Override
    public Message publish(String channel, String event, Object data) {
        return publishJson(channel, event, jsonb().toJson(data));
    }

    /** {@code data} as JSON-B writes it, for adapters that publish later (after a commit). */
    public String toJson(Object data) {
        return jsonb().toJson(data);
    }

    @Override
    public Message publishJson(String channel, String event, String json) {
        String data = validData(json);
        Published p = publishChecked(Names.channel(channel), Names.event(event), data, null);
        metrics.published(Origin.APPLICATION);
        Message m = new Message(p.channel(), p.position(), event == null || event.isEmpty() ? "message" : event, data, clock.millis());
        if (listeners.any()) {
            listeners.published(m, null);
        }
        return m;
    }

    @Override
    public Message publishEphemeral(String channel, String event, Object data) {
        return ephemeral(Names.channel(channel), Names.event(event), validData(jsonb().toJson(data)));
    }

    /** {@link #publishEphemeral} of JSON text already checked by {@link #validData}. */
    public Message publishEphemeralJson(String channel, String event, String json) {
        return ephemeral(Names.channel(channel), Names.event(event), json);
    }

    @Override
    public List<PresenceMember> members(String channel) {
        try {
            return live.members(Names.channel(channel));
        } catch (dev.realtime.spi.BusUnavailableException e) {
            throw new RealtimeException(ErrorCode.BUS_UNAVAILABLE, "the message bus is unavailable; retry shortly");
        }
    }

    /**
     * A client's publish: validated, shown to the hooks, then published; an ephemeral one (protocol
     * 1.1) goes to the live bus and yields a {@code Published} of position 0.
     */
    public Published publishFromClient(ClientPublish attempt, String idempotencyKey, ChannelAccess access) {
        if (!access.mayPublish(attempt.channel())) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, "you may not publish on " + attempt.channel());
        }
        for (PublishHook hook : hooks) {
            hook.beforePublish(attempt);
        }
        if (attempt.ephemeral()) {
            ephemeral(attempt.channel(), attempt.event(), attempt.data());
            return new Published(attempt.channel(), 0, false);
        }
        Published p = publishChecked(attempt.channel(), attempt.event(), attempt.data(), idempotencyKey);
        if (!p.duplicate()) {
            metrics.published(Origin.ofClientTransport(attempt.transport()));
            if (listeners.any()) {
                listeners.published(new Message(p.channel(), p.position(), attempt.event(), attempt.data(), clock.millis()), attempt);
            }
        }
        return p;
    }

    private Message ephemeral(String channel, String event, String data) {
        if (closing) {
            throw new RealtimeException(ErrorCode.SHUTTING_DOWN, "the server is shutting down; retry shortly");
        }
        Message m = Message.ephemeral(channel, event, data, clock.millis());
        try {
            live.publish(m);
        } catch (dev.realtime.spi.BusUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "ephemeral publish to " + channel + " failed: bus unavailable: " + e.getMessage());
            throw new RealtimeException(ErrorCode.BUS_UNAVAILABLE, "the message bus is unavailable; retry shortly");
        }
        return m;
    }

    /** Parses and size-checks a payload; returns its compact JSON text. */
    public String validData(String json) {
        String data = JsonText.compact(JsonText.parse(json));
        if (data.length() > settings.messageMaxSize) {
            throw tooLarge();
        }
        return data;
    }

    public RealtimeException shuttingDown() {
        return new RealtimeException(ErrorCode.SHUTTING_DOWN, "the server is shutting down; retry shortly");
    }

    /**
     * Runs {@code task} as the engine starts closing, or at once if it has: a request still in
     * flight (a publish whose body is arriving) answers {@code shutting_down} then, instead of
     * racing the container's stop. {@link #removeClosingTask} when the request ends.
     */
    public void addClosingTask(Runnable task) {
        closingTasks.add(task);
        if (closing && closingTasks.remove(task)) {
            task.run();
        }
    }

    public void removeClosingTask(Runnable task) {
        closingTasks.remove(task);
    }

    public RealtimeException tooLarge() {
        return new RealtimeException(ErrorCode.PAYLOAD_TOO_LARGE,
                "the message data is larger than " + settings.messageMaxSize + " bytes");
    }

    private Published publishChecked(String channel, String event, String data, String key) {
        if (closing) {
            throw shuttingDown();
        }
        long start = System.nanoTime();
        try {
            return bus.publish(channel, event, data, key);
        } catch (dev.realtime.spi.BusUnavailableException e) {
            LOG.log(System.Logger.Level.WARNING, "publish to " + channel + " failed: bus unavailable: " + e.getMessage());
            throw new RealtimeException(ErrorCode.BUS_UNAVAILABLE, "the message bus is unavailable; retry shortly");
        } finally {
            metrics.busPublished(System.nanoTime() - start);
        }
    }

    @Override
    public AutoCloseable observe(String channel, Consumer<Message> observer) {
        BusSubscription sub = bus.subscribe(Names.channel(channel), new BusListener() {
            @Override
            public void onMessage(Message message) {
                observer.accept(message);
            }
        });
        return sub::close;
    }

    @Override
    public AutoCloseable addListener(dev.realtime.RealtimeListener listener) {
        return listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** For sessions: the listeners, and ids for the connections they see. */
    Listeners listeners() {
        return listeners;
    }

    String nextConnectionId() {
        return Long.toString(connectionIds.incrementAndGet(), 36);
    }

    @Override
    public void addPublishHook(PublishHook hook) {
        hooks.add(hook);
    }

    @Override
    public void bindMeterRegistry(Object registry) {
        exposure.bindMeterRegistry(registry);
    }

    private Jsonb jsonb() {
        Jsonb j = jsonb;
        if (j == null) {
            synchronized (this) {
                if (jsonb == null) {
                    jsonb = JsonbBuilder.create();
                }
                j = jsonb;
            }
        }
        return j;
    }

    /** Ends every session (transports close with "going away"), stops the bus and the library's threads. */
    @Override
    public String toString() {
        return "Engine[" + (closing ? "closing" : "running") + ", " + sessions.size() + " sessions, " + parkedPolls.size()
                + " parked polls, " + bus + "]";
    }

    @Override
    public void close() {
        closing = true;
        sweeper.cancel(false);
        histogramRotation.cancel(false);
        exposure.close();
        for (Runnable task : List.copyOf(closingTasks)) {
            if (closingTasks.remove(task)) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "a closing task failed", e);
                }
            }
        }
        for (Session s : List.copyOf(sessions)) {
            try {
                s.terminate(Session.CloseCause.SHUTDOWN);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing a session failed", e);
            }
        }
        parkedPolls.closeAll();
        presence.leaveAll(); // before the bus goes: other nodes hear this node's members leave now
        if (ownsLive) {
            live.close();
        }
        try {
            bus.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the message bus failed", e);
        }
        if (jsonb != null) {
            try {
                jsonb.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing JSON-B failed", e);
            }
        }
        if (ownsThreads) {
            executor.shutdown();
            scheduler.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
                // Tomcat checks for leftover threads right after contextDestroyed: wait until ours are really gone
                for (Thread t : threadsToJoin) {
                    t.join(2000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
