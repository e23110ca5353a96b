package dev.realtime.redis;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Where a channel lives in Redis and which scripts keep it: on one server, or spread over a cluster.
 *
 * <p>Both keep a channel's counter, stream and idempotency keys under the hash tag {@code {channel}},
 * so they share a hash slot. They differ in what vouches for positions (see {@link Scripts}): one
 * server has a shared epoch key that every script reads; a cluster has no key every script can reach,
 * so each channel carries a guard, the epoch is fixed and a channel whose data may be older than what
 * it handed out moves its positions forward instead. Live messages go over pub/sub on one server and
 * over sharded pub/sub on a cluster, where a message only crosses the shard that owns its channel.
 */
abstract sealed class KeyLayout {
    /** The epoch of a cluster's history: positions there are never reused, so the epoch never needs to change. */
    static final String CLUSTER_EPOCH = "c1";

    final String prefix;
    final Script publish;
    final Script read;

    private KeyLayout(String prefix, String publish, String read) {
        this.prefix = prefix;
        this.publish = new Script(publish);
        this.read = new Script(read);
    }

    static KeyLayout of(RedisSettings settings) {
        return settings.cluster() ? new Cluster(settings.prefix()) : new OneServer(settings.prefix());
    }

    /** The keys of the publish script for a channel, the idempotency key last when there is one. */
    final String[] publishKeys(String channel, String idempotencyKey) {
        String[] head = publishHead(channel);
        String[] keys = Arrays.copyOf(head, head.length + (idempotencyKey == null ? 2 : 3));
        keys[head.length] = counterKey(channel);
        keys[head.length + 1] = streamKey(channel);
        if (idempotencyKey != null) {
            keys[head.length + 2] = prefix + "{" + channel + "}:k:" + idempotencyKey;
        }
        return keys;
    }

    /** The keys of the read script for a channel. */
    final String[] readKeys(String channel) {
        String[] head = readHead(channel);
        String[] keys = Arrays.copyOf(head, head.length + 2);
        keys[head.length] = counterKey(channel);
        keys[head.length + 1] = streamKey(channel);
        return keys;
    }

    final String counterKey(String channel) {
        return prefix + "{" + channel + "}:n";
    }

    private String streamKey(String channel) {
        return prefix + "{" + channel + "}:h";
    }

    /** The first argument of every script (see {@link Scripts}). */
    abstract String candidateEpoch();

    abstract String[] publishHead(String channel);

    abstract String[] readHead(String channel);

    /** The pub/sub channel that carries a channel's live messages. */
    abstract String pubsubChannel(String channel);

    /** The channel of a pub/sub channel from {@link #pubsubChannel}. */
    abstract String channelOf(String pubsubChannel);

    // protocol 1.1 (RedisLive): a channel's presence keys are under its hash tag on both layouts

    /** A channel's presence keys for {@link LiveScripts}: member → info, "member\nnode" → info, member → holding nodes. */
    final String[] presenceKeys(String channel) {
        String tag = prefix + "{" + channel + "}:";
        return new String[]{tag + "pm", tag + "pn", tag + "pc"};
    }

    /** The set of every node's id (one key: only read and written by single commands). */
    final String nodesKey() {
        return prefix + "nodes";
    }

    /** The pub/sub channel of a channel's ephemeral messages. */
    abstract String ephemeralChannel(String channel);

    /** The pub/sub channel of a channel's presence changes. */
    abstract String presenceChannel(String channel);

    /** A node's liveness key. */
    abstract String aliveKey(String node);

    /** What a node holds ("channel\nmember"). */
    abstract String holdsKey(String node);

    /** The command that publishes on {@link #ephemeralChannel} and {@link #presenceChannel}: PUBLISH or SPUBLISH. */
    abstract String publishCommand();

    /** One server (or one primary behind Sentinel): a shared epoch, plain pub/sub. */
    static final class OneServer extends KeyLayout {
        private static final SecureRandom RANDOM = new SecureRandom();
        private static final char[] ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

        final Script currentEpoch = new Script(Scripts.CURRENT_EPOCH);
        private final String[] epochKeys;

        OneServer(String prefix) {
            super(prefix, Scripts.PUBLISH, Scripts.READ);
            this.epochKeys = new String[]{prefix + "epoch", prefix + "epoch:run"};
        }

        String[] epochKeys() {
            return epochKeys.clone();
        }

        /** A new random epoch, taken by the script only when Redis has none it can vouch for. */
        @Override
        String candidateEpoch() {
            char[] c = new char[12];
            for (int i = 0; i < c.length; i++) {
                c[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
            }
            return new String(c);
        }

        @Override
        String[] publishHead(String channel) {
            return epochKeys.clone();
        }

        @Override
        String[] readHead(String channel) {
            return epochKeys.clone();
        }

        /** prefix, "m:", then the channel name. */
        @Override
        String pubsubChannel(String channel) {
            return prefix + "m:" + channel;
        }

        @Override
        String channelOf(String pubsubChannel) {
            return pubsubChannel.substring(prefix.length() + 2);
        }

        /** prefix, "e:", then the channel name: plain pub/sub, so patterns can match it. */
        @Override
        String ephemeralChannel(String channel) {
            return prefix + "e:" + channel;
        }

        @Override
        String presenceChannel(String channel) {
            return prefix + "p:" + channel;
        }

        @Override
        String aliveKey(String node) {
            return prefix + "node:" + node;
        }

        @Override
        String holdsKey(String node) {
            return prefix + "node:" + node + ":holds";
        }

        @Override
        String publishCommand() {
            return "PUBLISH";
        }
    }

    /** A Redis Cluster: a guard per channel, a fixed epoch, sharded pub/sub in the channel's own slot. */
    static final class Cluster extends KeyLayout {
        Cluster(String prefix) {
            super(prefix, Scripts.CLUSTER_PUBLISH, Scripts.CLUSTER_READ);
        }

        @Override
        String candidateEpoch() {
            return CLUSTER_EPOCH;
        }

        @Override
        String[] publishHead(String channel) {
            return new String[]{prefix + "{" + channel + "}:g", originKey(channel)};
        }

        @Override
        String[] readHead(String channel) {
            return new String[]{originKey(channel)};
        }

        private String originKey(String channel) {
            return prefix + "{" + channel + "}:o";
        }

        /** prefix, "{channel}:m": hash-tagged like the channel's keys, as SPUBLISH in a script requires. */
        @Override
        String pubsubChannel(String channel) {
            return prefix + "{" + channel + "}:m";
        }

        @Override
        String channelOf(String pubsubChannel) {
            return pubsubChannel.substring(prefix.length() + 1, pubsubChannel.length() - 3);
        }

        /** prefix, "{channel}:e": in the channel's slot, like its presence keys, for SPUBLISH. */
        @Override
        String ephemeralChannel(String channel) {
            return prefix + "{" + channel + "}:e";
        }

        @Override
        String presenceChannel(String channel) {
            return prefix + "{" + channel + "}:p";
        }

        /** prefix, "{node:id}": a node's two keys share the node's own slot. */
        @Override
        String aliveKey(String node) {
            return prefix + "{node:" + node + "}";
        }

        @Override
        String holdsKey(String node) {
            return prefix + "{node:" + node + "}:holds";
        }

        @Override
        String publishCommand() {
            return "SPUBLISH";
        }
    }

    /** A script's text and SHA-1, as EVALSHA names it. */
    record Script(String text, String sha) {
        Script(String text) {
            this(text, sha1(text));
        }

        private static String sha1(String script) {
            try {
                byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
                        .digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                StringBuilder b = new StringBuilder(40);
                for (byte x : digest) {
                    b.append(Character.forDigit((x >> 4) & 0xF, 16)).append(Character.forDigit(x & 0xF, 16));
                }
                return b.toString();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
