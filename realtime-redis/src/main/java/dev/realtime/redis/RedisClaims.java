package dev.realtime.redis;

import dev.realtime.spi.BusUnavailableException;
import dev.realtime.spi.Claim;
import io.lettuce.core.RedisException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisStringCommands;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Redis bus's claim-once (connection tickets): {@code SET <prefix>claim:<key> 1 NX PX <ttl>}, one
 * round-trip; the key exists for every node using the same Redis and expires by itself.
 */
final class RedisClaims {
    private final Supplier<? extends RedisStringCommands<String, String>> commands;
    private final String prefix;
    private final Function<Throwable, BusUnavailableException> unavailable;

    RedisClaims(Supplier<? extends RedisStringCommands<String, String>> commands, String prefix, Function<Throwable, BusUnavailableException> unavailable) {
        this.commands = commands;
        this.prefix = prefix;
        this.unavailable = unavailable;
    }

    Claim claim(String key, Duration ttl) {
        try {
            String ok = commands.get().set(prefix + "claim:" + key, "1", SetArgs.Builder.nx().px(Math.max(1, ttl.toMillis())));
            return "OK".equals(ok) ? Claim.CLAIMED : Claim.ALREADY_CLAIMED;
        } catch (RedisException e) {
            throw unavailable.apply(e);
        } finally {
            RedisBus.releaseNettyThreadLocals();
        }
    }
}
