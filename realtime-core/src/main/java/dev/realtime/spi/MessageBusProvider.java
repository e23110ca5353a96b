package dev.realtime.spi;

/**
 * Creates a {@link MessageBus}. Found through {@link java.util.ServiceLoader} (register the class in
 * {@code META-INF/services/dev.realtime.spi.MessageBusProvider}) or named in web.xml
 * ({@code realtime.bus} = the provider's {@link #name()} or its class name).
 */
public interface MessageBusProvider {

    /** Short name used in {@code realtime.bus}, e.g. {@code memory} or {@code redis}. */
    String name();

    /** Higher wins when several providers are found and none is named; the in-memory bus has 0. */
    default int priority() {
        return 1;
    }

    MessageBus create(BusContext context);
}
