package dev.realtime.internal;

/** A web.xml parameter with a bad value; the message names the parameter. Stops start-up. */
public final class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
