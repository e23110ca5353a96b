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
            """;

    /**
     * KEYS: epoch, epoch's run id, counter, stream[, idempotency key]. ARGV: candidate epoch, now (ms), max length,
     * age (ms), pub/sub channel, encoded message (ts\nevent\ndata).
     * Returns {epoch, position, duplicate (0/1)}.
     */
    static final String PUBLISH = EPOCH + """
            local now = tonumber(ARGV[2])
            local age = tonumber(ARGV[4])
            if KEYS[5] then
              local seen = redis.call('GET', KEYS[5])
              if seen then
                local sep = string.find(seen, ':', 1, true)
                if tonumber(string.sub(seen, sep + 1)) > now - age then
                  return {epoch, tonumber(string.sub(seen, 1, sep - 1)), 1}
                end
              end
            end
            local pos = redis.call('INCR', KEYS[3])
            local id = string.format('%d', pos)
            redis.call('XADD', KEYS[4], 'MAXLEN', ARGV[3], id .. '-0', 'm', ARGV[6])
            redis.call('PEXPIRE', KEYS[4], age)
            if KEYS[5] then
              redis.call('SET', KEYS[5], id .. ':' .. ARGV[2], 'PX', age)
            end
            redis.call('PUBLISH', ARGV[5], epoch .. '\\n' .. id .. '\\n' .. ARGV[6])
            return {epoch, pos, 0}
            """;

    /**
     * KEYS: epoch, epoch's run id, counter, stream. ARGV: candidate epoch, the reader's epoch, first wanted entry id
     * (after + 1), limit, oldest kept ts (exclusive: now - age).
     * Returns {epoch, head, id1, m1, id2, m2, ...}: entries from the first one young enough; when the
     * reader's epoch is not the current one, from the oldest entry.
     */
    static final String READ = EPOCH + """
            local head = tonumber(redis.call('GET', KEYS[3]) or '0')
            local out = {epoch, head}
            local start = '-'
            if ARGV[2] == epoch then
              start = ARGV[3]
            end
            local limit = tonumber(ARGV[4])
            local oldest = tonumber(ARGV[5])
            local n = 0
            local young = false
            while n < limit do
              local batch = redis.call('XRANGE', KEYS[4], start, '+', 'COUNT', limit - n)
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

    /** KEYS: epoch, epoch's run id. ARGV: candidate epoch. Returns the current epoch. */
    static final String CURRENT_EPOCH = EPOCH + "return epoch\n";
}
