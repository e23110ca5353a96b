package dev.realtime.spi;

/** The bus cannot take the request now (its data store is unreachable); answered as {@code 503 bus_unavailable}. */
public class BusUnavailableException extends RuntimeException {
    public BusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public BusUnavailableException(String message) {
        super(message);
    }
}
