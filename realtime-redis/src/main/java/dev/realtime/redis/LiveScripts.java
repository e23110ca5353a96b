package dev.realtime.redis;

/**
 * The Lua scripts behind presence on Redis (protocol 1.1). Each touches one channel's keys only
 * (hash-tagged by channel, {@link KeyLayout#presenceKeys}), so each runs atomically in one round trip,
 * on a cluster too, where it runs on the primary of the channel's slot.
 *
 * <p>Keys per channel {@code c} (prefix {@code p}): {@code p{c}:pm} member → info (what every node
 * shows), {@code p{c}:pn} "member\nnode" → info (which nodes hold the member), {@code p{c}:pc} member
 * → number of nodes holding it. A change is published on the channel's presence channel
 * ({@link KeyLayout#presenceChannel}: PUBLISH on one server, SPUBLISH in the channel's slot on a cluster)
 * as {@code action\nmember\nts\ninfo} (member ids and compact JSON hold no line feed).
 */
final class LiveScripts {
    private LiveScripts() {
    }

    /**
     * KEYS: pm, pn, pc. ARGV: member, node, info, max members, now (ms), pub/sub channel.
     * Returns join, update, unchanged or full. Publishes with {@code %s} (PUBLISH or SPUBLISH).
     */
    private static final String JOIN = """
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
            redis.call('%s', ARGV[6], action .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[5] .. '\\n' .. ARGV[3])
            return action
            """;

    /**
     * KEYS: pm, pn, pc. ARGV: node, now (ms), pub/sub channel, then one or more members. The node no
     * longer holds them; each leaves (and the leave is published) when no other node holds it. A
     * member the node did not hold is skipped, so a repeated call (two nodes reaping one dead node)
     * changes nothing. Returns how many left (as a string, like JOIN's answers). Publishes with {@code %s}.
     */
    private static final String LEAVE = """
            local left = 0
            for i = 4, #ARGV do
              local member = ARGV[i]
              if redis.call('HDEL', KEYS[2], member .. '\\n' .. ARGV[1]) == 1
                  and redis.call('HINCRBY', KEYS[3], member, -1) <= 0 then
                redis.call('HDEL', KEYS[3], member)
                redis.call('HDEL', KEYS[1], member)
                redis.call('%s', ARGV[3], 'leave\\n' .. member .. '\\n' .. ARGV[2] .. '\\n')
                left = left + 1
              end
            end
            return tostring(left)
            """;

    static String join(String publishCommand) {
        return JOIN.formatted(publishCommand);
    }

    static String leave(String publishCommand) {
        return LEAVE.formatted(publishCommand);
    }
}
