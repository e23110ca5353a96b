package dev.realtime.containers;

import org.junit.jupiter.api.Test;

/** With the features cdi-4.0, restfulWS-3.1, enterpriseBeansLite-4.0 and mpHealth-4.0 next to servlet and WebSocket. */
class OpenLiberty25IT extends CdiChecks {
    OpenLiberty25IT() {
        super(Servers.openLiberty("liberty25"));
    }

    @Test
    void realtimeIsPartOfMicroProfileReadiness() throws Exception {
        assertReadinessUp();
    }
}
