package dev.realtime.it.layering;

import dev.realtime.client.RealtimeClient;
import dev.realtime.protocol.JsonStrings;
import dev.realtime.redis.RedisBusProvider;
import dev.realtime.servlet.RealtimeBootstrap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may depend on whom, read from the built class files of every module (their constant pools
 * name each type they use). {@code dev.realtime.internal} is core's engine: only core and the
 * container adapter (realtime-servlet) use it; a bus uses the API and the SPI; the Java client is
 * standalone (its own API and the protocol vocabulary); the protocol module depends on nothing.
 * No container: these are plain class-file checks, run with the integration tests because only
 * here are all the modules on one class path. (Core's own rules, no container types and an API
 * free of {@code internal}, are core's LayeringTest.)
 */
class LayeringIT {
    /** A referenced realtime package, in internal form: {@code dev/realtime/internal}, or {@code dev/realtime} for the API. */
    private static final Pattern REALTIME_TYPE = Pattern.compile("dev/realtime/(?:([a-z]+)/)?[A-Za-z]");

    @Test
    void onlyCoreAndTheServletAdapterUseInternal() throws Exception {
        assertThat(packagesUsedBy(RedisBusProvider.class)).as("realtime-redis").doesNotContain("internal");
        assertThat(packagesUsedBy(RealtimeClient.class)).as("realtime-client").doesNotContain("internal");
        assertThat(packagesUsedBy(JsonStrings.class)).as("realtime-protocol").doesNotContain("internal");
        assertThat(packagesUsedBy(RealtimeBootstrap.class)).as("realtime-servlet (allowed)").contains("internal");
    }

    @Test
    void aBusUsesOnlyTheApiTheSpiAndTheProtocol() throws Exception {
        assertThat(packagesUsedBy(RedisBusProvider.class)).as("realtime-redis").isSubsetOf("", "spi", "protocol", "redis");
    }

    @Test
    void theJavaClientIsStandalone() throws Exception {
        assertThat(packagesUsedBy(RealtimeClient.class)).as("realtime-client").isSubsetOf("client", "protocol");
        assertThat(text(RealtimeClient.class).values()).as("realtime-client").noneMatch(c -> c.contains("jakarta/servlet") || c.contains("jakarta/websocket"));
    }

    @Test
    void theProtocolDependsOnNothing() throws Exception {
        assertThat(packagesUsedBy(JsonStrings.class)).as("realtime-protocol").containsOnly("protocol");
        assertThat(text(JsonStrings.class).values()).as("realtime-protocol").noneMatch(c -> c.contains("jakarta/"));
    }

    /** The realtime packages the module holding {@code marker} references ("" for the API package itself). */
    private static Set<String> packagesUsedBy(Class<?> marker) throws IOException, URISyntaxException {
        Set<String> used = new TreeSet<>();
        for (String pool : text(marker).values()) {
            Matcher m = REALTIME_TYPE.matcher(pool);
            while (m.find()) {
                used.add(m.group(1) == null ? "" : m.group(1));
            }
        }
        return used;
    }

    /** Every class file of the module (a jar or a classes directory) holding {@code marker}, read as text. */
    private static Map<String, String> text(Class<?> marker) throws IOException, URISyntaxException {
        Path location = Path.of(marker.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, String> files = new TreeMap<>();
        if (Files.isDirectory(location)) {
            read(location, files);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(location)) {
                read(jar.getPath("/"), files);
            }
        }
        assertThat(files).as("class files next to " + marker.getName()).isNotEmpty();
        return files;
    }

    private static void read(Path root, Map<String, String> into) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".class")).toList()) {
                into.put(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
    }
}
