package dev.realtime.redis;

/**
 * The Lua scripts behind presence on Redis (protocol 1.1). Each touches one channel's keys only
 * (hash-tagged by channel), so each runs atomically in one round trip.
 *
 * <p>Keys per channel {@code c} (prefix {@code p}): {@code p{c}:pm} member → info (what every node
 * shows), {@code p{c}:pn} "member\nnode" → info (which nodes hold the member), {@code p{c}:pc} member
 * → number of nodes holding it. A change is published on {@code p}p:c as {@code action\nmember\nts\ninfo}
 * (member ids and compact JSON hold no line feed).
 */
final class LiveScripts {
    private LiveScripts() {
    }

    /**
     * KEYS: pm, pn, pc. ARGV: member, node, info, max members, now (ms), pub/sub channel.
     * Returns join, update, unchanged or full.
     */
    static final String JOIN = """
            local field = ARGV[1] .. '\\n' .. ARGV[2]
            local current = redis.call('HGET', KEYS[1], ARGV[1])
            if not current and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
              return 'full'
            end
            if redis.call('HSET', KEYS[2], field, ARGV[3]) == 1 then
              redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
            end
            if current == ARGV[3] then
              return 'unchanged'
            end
            redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
            local action = 'join'
            if current then
              action = 'update'
            end
            redis.call('PUBLISH', ARGV[6], action .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[3])
            return action
            """;

    /**
     * KEYS: pm, pn, pc. ARGV: member, node, now (ms), pub/sub channel. The member leaves (and the leave
     * is published) when no other node holds it. Returns 'left' or 'held' (a string, as JOIN's answers).
     */
    static final String LEAVE = """
            if redis.call('HDEL', KEYS[2], ARGV[1] .. '\\n' .. ARGV[2]) == 0 then
              return 'held'
            end
            if redis.call('HINCRBY', KEYS[3], ARGV[1], -1) > 0 then
              return 'held'
            end
            redis.call('HDEL', KEYS[3], ARGV[1])
            redis.call('HDEL', KEYS[1], ARGV[1])
            redis.call('PUBLISH', ARGV[4], 'leave\\n' .. ARGV[1] .. '\\n' .. ARGV[3] .. '\\n')
            return 'left'
            """;
}
