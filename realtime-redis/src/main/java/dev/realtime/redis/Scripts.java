package dev.realtime.redis;

/**
 * The Lua scripts behind the Redis bus. Each runs atomically in one round-trip.
 *
 * <p>Keys per channel {@code c} (prefix {@code p}, hash-tagged by channel): {@code p{c}:n} the position
 * counter (never expires, so positions only grow), {@code p{c}:h} the history stream (entry id
 * {@code <position>-0}, one field {@code m} = {@code ts\nevent\ndata}), {@code p{c}:k:<key>} an
 * idempotency key ({@code <position>:<ts>}). {@code p}epoch names the history: a Redis that lost its
 * data has none, and the first script to run after that creates a new one; {@code p}epoch:run holds the
 * run id of the Redis process that vouches for it (see {@link #EPOCH}).
 *
 * <p>The pub/sub payload is {@code epoch\nposition\nts\nevent\ndata}: event names and compact JSON never
 * contain a line feed, so the message is encoded once, in Java, and only prefixed here.
 */
final class Scripts {
    private Scripts() {
    }

    /**
     * Common head: the current epoch, created from ARGV[1] when Redis has none. An epoch is only
     * trusted by the Redis process that created or checked it (KEYS[2] holds that process's run id):
     * a Redis restarted from a snapshot or an append-only file, or a replica promoted by a failover,
     * may hold older counters than positions already handed out, so it starts a new epoch and every
     * old cursor gets a gap instead of a reused position. The check costs an INFO call, so it runs only
     * when the caller marks ARGV[1] with a leading '!': the bus does so when Redis had to be sent the
     * script text (EVAL after NOSCRIPT), which is always the first script run by a new process, since
     * a restarted or promoted Redis starts with an empty script cache.
     */
    private static final String EPOCH = """
            local candidate = ARGV[1]
            local epoch = redis.call('GET', KEYS[1])
            if string.sub(candidate, 1, 1) == '!' then
              candidate = string.sub(candidate, 2)
              local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
              if redis.call('GET', KEYS[2]) ~= run then
                redis.call('SET', KEYS[2], run)
                epoch = false
              end
            end
            if not epoch then
              redis.call('SET', KEYS[1], candidate)
              epoch = candidate
            end
            local k = 2
            """;

    /**
     * The cluster's head for publishing (KEYS[1] the channel's guard, KEYS[2] its origin; ARGV[1] the
     * bus's fixed epoch, possibly marked '!'). A cluster has no key every script can reach, so there is no shared epoch:
     * instead a channel's counter is only trusted by the node process that vouched for it. The guard
     * holds {@code <node id>:<last save>:<run id>}; the two cheap values match on every call to the same
     * process, and INFO (costly) is asked only when they do not. Another process (a promoted replica,
     * a restart from older files, a slot moved by resharding) or no guard at all (a new channel, or one
     * whose data was lost) moves the counter past every position it could have handed out: to the
     * current time in milliseconds times 1,000 (or a million further on, if that is not ahead). So a
     * position is never handed out twice; an old cursor finds a jump and gets a gap. A counter created
     * from nothing records where it started (the origin): position 0 means "before the origin", so a
     * reader from 0 sees no gap in a history that lost nothing.
     */
    private static final String GUARD = """
            local epoch = ARGV[1]
            if string.sub(epoch, 1, 1) == '!' then
              epoch = string.sub(epoch, 2)
            end
            local me = redis.call('CLUSTER', 'MYID') .. ':' .. redis.call('LASTSAVE') .. ':'
            local guard = redis.call('GET', KEYS[1])
            if not guard or string.sub(guard, 1, #me) ~= me then
              local run = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
              if not guard or string.sub(guard, -#run) ~= run then
                local t = redis.call('TIME')
                local floor = tonumber(t[1]) * 1000000 + math.floor(tonumber(t[2]) / 1000) * 1000
                local held = tonumber(redis.call('GET', KEYS[3]) or '0')
                local start = string.format('%d', math.max(floor, held + 1000000))
                if held == 0 then
                  redis.call('SET', KEYS[2], start)
                end
                redis.call('SET', KEYS[3], start)
              end
              redis.call('SET', KEYS[1], me .. run)
            end
            local k = 2
            """;

    /**
     * The cluster's head for reading (KEYS[1] the channel's origin; ARGV[1] the fixed epoch): a read
     * hands out no position, so it needs no guard.
     */
    private static final String FIXED_EPOCH = """
            local epoch = ARGV[1]
            if string.sub(epoch, 1, 1) == '!' then
              epoch = string.sub(epoch, 2)
            end
            local origin = tonumber(redis.call('GET', KEYS[1]) or '0')
            local k = 1
            """;

    /**
     * After a head's keys (k of them): counter, stream[, idempotency key]. ARGV: epoch (see the head),
     * now (ms), max length, age (ms), pub/sub channel, encoded message (ts\nevent\ndata).
     * Returns {epoch, position, duplicate (0/1)}. Publishes with {@code %s} (PUBLISH or SPUBLISH).
     */
    private static final String PUBLISH_BODY = """
            local now = tonumber(ARGV[2])
            local age = tonumber(ARGV[4])
            local idem = KEYS[k + 3]
            if idem then
              local seen = redis.call('GET', idem)
              if seen then
                local sep = string.find(seen, ':', 1, true)
                if tonumber(string.sub(seen, sep + 1)) > now - age then
                  return {epoch, tonumber(string.sub(seen, 1, sep - 1)), 1}
                end
              end
            end
            local pos = redis.call('INCR', KEYS[k + 1])
            local id = string.format('%%d', pos)
            redis.call('XADD', KEYS[k + 2], 'MAXLEN', ARGV[3], id .. '-0', 'm', ARGV[6])
            redis.call('PEXPIRE', KEYS[k + 2], age)
            if idem then
              redis.call('SET', idem, id .. ':' .. ARGV[2], 'PX', age)
            end
            redis.call('%s', ARGV[5], epoch .. '\\n' .. id .. '\\n' .. ARGV[6])
            return {epoch, pos, 0}
            """;

    /**
     * After a head's keys (k of them): counter, stream. ARGV: epoch (see the head), the reader's epoch,
     * first wanted entry id (after + 1), limit, oldest kept ts (exclusive: now - age).
     * Returns {epoch, head, origin, id1, m1, id2, m2, ...}: entries from the first one young enough;
     * when the reader's epoch is not the current one, from the oldest entry. The head defines
     * {@code origin}, the position before the channel's first (0 on one server).
     */
    private static final String READ_BODY = """
            local head = tonumber(redis.call('GET', KEYS[k + 1]) or '0')
            local out = {epoch, head, origin}
            local start = '-'
            if ARGV[2] == epoch then
              start = ARGV[3]
            end
            local limit = tonumber(ARGV[4])
            local oldest = tonumber(ARGV[5])
            local n = 0
            local young = false
            while n < limit do
              local batch = redis.call('XRANGE', KEYS[k + 2], start, '+', 'COUNT', limit - n)
              if #batch == 0 then
                break
              end
              for _, e in ipairs(batch) do
                local m = e[2][2]
                if not young then
                  local nl = string.find(m, '\\n', 1, true)
                  young = tonumber(string.sub(m, 1, nl - 1)) > oldest
                end
                if young and n < limit then
                  out[#out + 1] = e[1]
                  out[#out + 1] = m
                  n = n + 1
                end
              end
              start = '(' .. batch[#batch][1]
            end
            return out
            """;

    /** One server: KEYS epoch, epoch's run id, counter, stream[, idempotency key]. */
    static final String PUBLISH = EPOCH + PUBLISH_BODY.formatted("PUBLISH");

    /** One server: KEYS epoch, epoch's run id, counter, stream. */
    static final String READ = EPOCH + "local origin = 0\n" + READ_BODY;

    /** A cluster: KEYS guard, origin, counter, stream[, idempotency key]; sharded pub/sub. */
    static final String CLUSTER_PUBLISH = GUARD + PUBLISH_BODY.formatted("SPUBLISH");

    /** A cluster: KEYS origin, counter, stream. */
    static final String CLUSTER_READ = FIXED_EPOCH + READ_BODY;

    /** KEYS: epoch, epoch's run id. ARGV: candidate epoch. Returns the current epoch. */
    static final String CURRENT_EPOCH = EPOCH + "return epoch\n";
}
