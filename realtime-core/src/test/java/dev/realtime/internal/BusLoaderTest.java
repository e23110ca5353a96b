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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

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

    public static final class AlsoFive implements MessageBusProvider {
        @Override public String name() { return "also-five"; }
        @Override public int priority() { return 5; }
        @Override public MessageBus create(BusContext context) { throw new UnsupportedOperationException(); }
    }

    /** Written for an SPI version this core does not know. */
    public static final class FromTheFuture implements MessageBusProvider {
        @Override public String name() { return "future"; }
        @Override public int priority() { return 9; }
        @Override public int spiVersion() { return MessageBusProvider.SPI_VERSION + 1; }
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

    @Test
    void aProviderForAnotherSpiVersionIsNotUsedAndIsAConfigurationErrorWhenAskedFor() throws IOException {
        ClassLoader both = loaderListing(FromTheFuture.class, Low.class);
        List<String> warnings = warningsDuring(() -> assertThat(BusLoader.choose(null, both).provider())
                .as("priority 9, but written for another SPI version").isInstanceOf(Low.class));
        assertThat(warnings).singleElement().asString().contains(FromTheFuture.class.getName(), "SPI version 2", "version 1");
        ClassLoader listingIt = loaderListing(FromTheFuture.class);
        for (String asked : List.of("future", FromTheFuture.class.getName())) {
            assertThatThrownBy(() -> BusLoader.choose(asked, listingIt))
                    .as(asked).isInstanceOf(ConfigurationException.class).hasMessageContaining("SPI version 2");
        }
        ClassLoader listingNone = loaderListing();
        assertThatThrownBy(() -> BusLoader.choose(FromTheFuture.class.getName(), listingNone))
                .as("by class name, not listed").isInstanceOf(ConfigurationException.class).hasMessageContaining("SPI version 2");
    }

    @Test
    void twoProvidersWithTheSamePriorityAreWarnedOfAndTheFirstFoundIsUsed() throws IOException {
        ClassLoader loader = loaderListing(Low.class, High.class, AlsoFive.class);
        List<String> warnings = warningsDuring(() -> assertThat(BusLoader.choose(null, loader).provider()).isInstanceOf(High.class));
        assertThat(warnings).singleElement().asString().contains("[high, also-five]", "same priority 5", Settings.BUS);
        assertThat(warningsDuring(() -> BusLoader.choose("also-five", loader))).as("no tie when one is asked for").isEmpty();
        ClassLoader noTie = loaderListing(Low.class, High.class);
        assertThat(warningsDuring(() -> BusLoader.choose(null, noTie))).isEmpty();
    }

    /** The WARNING records BusLoader logs while {@code action} runs (System.Logger goes to java.util.logging here). */
    private static List<String> warningsDuring(Runnable action) {
        Logger logger = Logger.getLogger(BusLoader.class.getName());
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == Level.WARNING) {
                    warnings.add(record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            action.run();
        } finally {
            logger.removeHandler(handler);
        }
        return warnings;
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
