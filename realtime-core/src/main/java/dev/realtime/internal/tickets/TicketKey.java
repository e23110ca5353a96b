package dev.realtime.internal.tickets;

import dev.realtime.internal.ConfigurationException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HMAC-SHA256 key that signs tickets and resume tokens. From {@code realtime.ticket.key} (shared by
 * every node, so a ticket issued on one is accepted on all): the key itself, {@code env:NAME} (an
 * environment variable) or {@code file:PATH}; at least 32 bytes. Without it, a random key drawn at
 * start-up: tickets then work on this node only, until it restarts. The key is never logged, and
 * error messages never quote it.
 */
public final class TicketKey {
    static final int MIN_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final boolean configured;

    private TicketKey(byte[] bytes, boolean configured) {
        this.key = new SecretKeySpec(bytes, ALGORITHM);
        this.configured = configured;
    }

    /** @param env environment lookup ({@code System::getenv}) */
    public static TicketKey from(String parameter, Optional<String> value, Function<String, String> env) {
        if (value.isEmpty()) {
            byte[] random = new byte[MIN_BYTES];
            new SecureRandom().nextBytes(random);
            return new TicketKey(random, false);
        }
        String v = value.get();
        String secret;
        if (v.startsWith("env:")) {
            String name = v.substring(4);
            secret = env.apply(name);
            if (secret == null || secret.isBlank()) {
                throw new ConfigurationException(parameter + " names the environment variable " + name + ", which is not set");
            }
        } else if (v.startsWith("file:")) {
            Path path = Path.of(v.substring(5));
            try {
                secret = Files.readString(path, StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                throw new ConfigurationException(parameter + " names the file " + path + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        } else {
            secret = v;
        }
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new ConfigurationException(parameter + " must be at least " + MIN_BYTES + " bytes (a random 256-bit secret,"
                    + " e.g. from: openssl rand -base64 32); the one given has " + bytes.length);
        }
        return new TicketKey(bytes, true);
    }

    /** Whether the key came from configuration (and so may be shared by several nodes). */
    public boolean configured() {
        return configured;
    }

    byte[] sign(byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM); // Mac is not thread-safe, and one per call costs microseconds
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
        }
    }

    /** Constant-time comparison, so the time taken says nothing about how much of a forged signature was right. */
    boolean verify(byte[] data, byte[] signature) {
        return MessageDigest.isEqual(sign(data), signature);
    }

    @Override
    public String toString() {
        return "TicketKey[" + (configured ? "configured" : "generated at start-up") + "]";
    }
}
