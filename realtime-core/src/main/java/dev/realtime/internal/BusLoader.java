package dev.realtime.internal;

import dev.realtime.spi.MessageBusProvider;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses the bus provider like SLF4J chooses a binding: the one named in {@code realtime.bus}
 * (a provider name or a class name) first, else the highest-priority provider found by
 * {@link ServiceLoader}. The reason for the choice is logged; so is a tie for the highest priority
 * (the first found wins, which depends on the class path's order). A provider written for another
 * SPI version ({@link MessageBusProvider#spiVersion()}) is not used.
 */
final class BusLoader {
    private static final System.Logger LOG = System.getLogger(BusLoader.class.getName());

    /** The provider chosen and why, for the start-up log line. */
    record Choice(MessageBusProvider provider, String reason) {
    }

    private BusLoader() {
    }

    static Choice choose(String requested, ClassLoader loader) {
        List<MessageBusProvider> found = new ArrayList<>();
        List<MessageBusProvider> incompatible = new ArrayList<>();
        Iterator<MessageBusProvider> it = ServiceLoader.load(MessageBusProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                MessageBusProvider p = it.next();
                if (p.spiVersion() == MessageBusProvider.SPI_VERSION) {
                    found.add(p);
                } else {
                    incompatible.add(p);
                    LOG.log(System.Logger.Level.WARNING, "ignoring " + incompatible(p));
                }
            } catch (ServiceConfigurationError e) {
                // e.g. a provider visible from a parent class loader but built against another copy of the SPI
                LOG.log(System.Logger.Level.WARNING, "ignoring a message bus provider that cannot be loaded: " + e.getMessage());
            }
        }
        List<String> names = found.stream().map(MessageBusProvider::name).toList();
        if (requested != null) {
            for (MessageBusProvider p : found) {
                if (named(p, requested)) {
                    return new Choice(p, Settings.BUS + "=" + requested);
                }
            }
            for (MessageBusProvider p : incompatible) {
                if (named(p, requested)) {
                    throw new ConfigurationException(Settings.BUS + "=" + requested + ": " + incompatible(p));
                }
            }
            if (requested.contains(".")) {
                MessageBusProvider p = instantiate(requested, loader);
                if (p.spiVersion() != MessageBusProvider.SPI_VERSION) {
                    throw new ConfigurationException(Settings.BUS + "=" + requested + ": " + incompatible(p));
                }
                return new Choice(p, Settings.BUS + "=" + requested + " (class name)");
            }
            throw new ConfigurationException(Settings.BUS + "=" + requested + ": no such message bus. Found on the class path: "
                    + names + (requested.equals("redis") ? ". Add the realtime-redis jar to the web application." : "")
                    + " A class name of a MessageBusProvider also works.");
        }
        MessageBusProvider best = found.stream()
                .max(Comparator.comparingInt(MessageBusProvider::priority))
                .orElseGet(MemoryBusProvider::new);
        List<String> tied = found.stream().filter(p -> p.priority() == best.priority()).map(MessageBusProvider::name).toList();
        if (tied.size() > 1) {
            LOG.log(System.Logger.Level.WARNING, "message bus providers " + tied + " have the same priority " + best.priority()
                    + "; using '" + best.name() + "', the first found on the class path. Set " + Settings.BUS + " to choose");
        }
        String reason = found.size() <= 1 ? "the only bus found" : "highest priority of " + names;
        return new Choice(best, reason + "; set " + Settings.BUS + " to choose");
    }

    private static boolean named(MessageBusProvider p, String requested) {
        return p.name().equals(requested) || p.getClass().getName().equals(requested);
    }

    private static String incompatible(MessageBusProvider p) {
        return "the message bus provider " + p.getClass().getName() + " ('" + p.name() + "') is written for SPI version "
                + p.spiVersion() + ", this realtime-core has version " + MessageBusProvider.SPI_VERSION
                + "; use a version of the bus built for this realtime-core";
    }

    private static MessageBusProvider instantiate(String className, ClassLoader loader) {
        try {
            Class<?> c = Class.forName(className, true, loader);
            return (MessageBusProvider) c.getDeclaredConstructor().newInstance();
        } catch (ClassCastException e) {
            throw new ConfigurationException(Settings.BUS + "=" + className + ": the class is not a dev.realtime.spi.MessageBusProvider");
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ConfigurationException(Settings.BUS + "=" + className + ": cannot create it (" + e + ")", e);
        }
    }
}
