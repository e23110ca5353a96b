package dev.realtime.spi;

/**
 * Creates a {@link MessageBus}. Found through {@link java.util.ServiceLoader} (register the class in
 * {@code META-INF/services/dev.realtime.spi.MessageBusProvider}) or named in web.xml
 * ({@code realtime.bus} = the provider's {@link #name()} or its class name).
 */
public interface MessageBusProvider {

    /**
     * The version of this SPI (the {@code MessageBus}, {@code BusContext} and {@code BusListener}
     * contracts). It changes only when a bus written for the previous version would misbehave.
     */
    int SPI_VERSION = 1;

    /**
     * The SPI version this provider was written for; the engine refuses a provider written for a
     * version it does not know (logged, and an error when the bus is asked for by name). Version 1
     * providers need not override this; from version 2 on, a provider returns
     * {@link #SPI_VERSION} as it stood when the provider was compiled (the constant is compiled into
     * the provider's class). This default stays 1.
     */
    default int spiVersion() {
        return 1;
    }

    /** Short name used in {@code realtime.bus}, e.g. {@code memory} or {@code redis}. */
    String name();

    /** Higher wins when several providers are found and none is named; the in-memory bus has 0. */
    default int priority() {
        return 1;
    }

    MessageBus create(BusContext context);
}
