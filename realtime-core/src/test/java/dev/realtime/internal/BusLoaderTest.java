package dev.realtime.internal;

import dev.realtime.spi.BusContext;
import dev.realtime.spi.MessageBus;
import dev.realtime.spi.MessageBusProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider choice: by name or class name when asked, else the highest priority (core lists its memory bus at 0). */
class BusLoaderTest {
    @TempDir
    Path dir;

    public static final class Low implements MessageBusProvider {
        @Override public String name() { return "low"; }
        @Override public int priority() { return 1; }
        @Override public MessageBus create(BusContext context) { throw new UnsupportedOperationException(); }
    }

    public static final class High implements MessageBusProvider {
        @Override public String name() { return "high"; }
        @Override public int priority() { return 5; }
        @Override public MessageBus create(BusContext context) { throw new UnsupportedOperationException(); }
    }

    @Test
    void withoutAnotherProviderCoresOwnMemoryBusIsChosen() throws IOException {
        BusLoader.Choice choice = BusLoader.choose(null, loaderListing());
        assertThat(choice.provider()).isInstanceOf(MemoryBusProvider.class);
        assertThat(choice.reason()).startsWith("the only bus found");
    }

    @Test
    void theHighestPriorityWinsAndTheReasonNamesTheOthers() throws IOException {
        BusLoader.Choice choice = BusLoader.choose(null, loaderListing(Low.class, High.class));
        assertThat(choice.provider()).isInstanceOf(High.class);
        assertThat(choice.reason()).contains("highest priority of", "low", "high", Settings.BUS);
    }

    @Test
    void aRequestedNameOrClassNameBeatsPriority() throws IOException {
        ClassLoader loader = loaderListing(Low.class, High.class);
        assertThat(BusLoader.choose("low", loader).provider()).isInstanceOf(Low.class);
        assertThat(BusLoader.choose(Low.class.getName(), loader).provider()).isInstanceOf(Low.class);
        assertThat(BusLoader.choose(Low.class.getName(), loaderListing()).provider())
                .as("a class name need not be listed as a service").isInstanceOf(Low.class);
    }

    @Test
    void anUnknownBusIsAConfigurationErrorListingWhatWasFound() throws IOException {
        assertThatThrownBy(() -> BusLoader.choose("redis", loaderListing(Low.class)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("[memory, low]").hasMessageContaining("realtime-redis");
        assertThatThrownBy(() -> BusLoader.choose(String.class.getName(), loaderListing()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not a dev.realtime.spi.MessageBusProvider");
    }

    /** A class loader whose only service file lists {@code providers}; the classes come from the test's own loader. */
    private ClassLoader loaderListing(Class<?>... providers) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        StringBuilder lines = new StringBuilder();
        for (Class<?> p : providers) {
            lines.append(p.getName()).append('\n');
        }
        Files.writeString(services.resolve(MessageBusProvider.class.getName()), lines);
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }
}
