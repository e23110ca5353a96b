package dev.realtime.tck;

import dev.realtime.spi.BusListener;
import dev.realtime.spi.ChannelPattern;
import dev.realtime.spi.LiveListener;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The compatibility kit for a bus that does not carry wildcard subscriptions (a Redis Cluster: sharded
 * pub/sub has no patterns): it refuses them with {@link UnsupportedOperationException} (the SPI's
 * default), which the engine turns into a protocol error for the client. A bus that carries them runs
 * {@link WildcardContract} instead.
 */
public abstract class RefusesWildcardsContract extends LiveBusFixture {

    @Test
    void aBusWithoutWildcardsRefusesThemAsUnsupported() {
        ChannelPattern pattern = new ChannelPattern(unique("room") + ":", false);
        assertThatThrownBy(() -> bus.subscribe(pattern, (BusListener) m -> { })).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> bus.channelsActiveSince(pattern, 0, 10)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> live.listen(pattern, new LiveListener() { })).isInstanceOf(UnsupportedOperationException.class);
    }
}
