package dev.realtime.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Core stays container-free: it neither sees nor names a servlet or WebSocket type. And its public
 * packages ({@code dev.realtime}, {@code dev.realtime.spi}) never reach into {@code internal}: the API
 * is what an application or a bus compiles against, the engine behind it may change. (Which modules
 * may use {@code internal} at all is checked across modules by the integration tests' LayeringIT.)
 */
class LayeringTest {

    @Test
    void servletAndWebSocketApisAreNotOnTheCoreClassPath() {
        assertThatThrownBy(() -> Class.forName("jakarta.servlet.Servlet")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("jakarta.websocket.Session")).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void noCoreClassReferencesAContainerType() throws IOException, URISyntaxException {
        List<Path> files = classFiles("");
        assertThat(files).hasSizeGreaterThan(10);
        for (Path f : files) {
            assertThat(constantPool(f)).as(f.toString()).doesNotContain("jakarta/servlet", "jakarta/websocket");
        }
    }

    @Test
    void theApiAndTheSpiDoNotReferenceInternal() throws IOException, URISyntaxException {
        List<Path> api = classFiles("dev/realtime").stream()
                .filter(f -> f.getParent().endsWith(Path.of("dev", "realtime")) || f.getParent().endsWith(Path.of("dev", "realtime", "spi")))
                .toList();
        assertThat(api).as("API and SPI classes").hasSizeGreaterThan(10);
        for (Path f : api) {
            assertThat(constantPool(f)).as(f.toString()).doesNotContain("dev/realtime/internal/");
        }
    }

    /** Micrometer is optional: only the one package loaded after checking that it is there names its types. */
    @Test
    void onlyTheMicrometerPackageNamesMicrometer() throws IOException, URISyntaxException {
        Path allowed = Path.of(Engine.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("dev/realtime/internal/metrics/micrometer");
        List<Path> files = classFiles("");
        assertThat(files).anyMatch(f -> f.startsWith(allowed));
        for (Path f : files) {
            String pool = constantPool(f);
            if (f.startsWith(allowed)) {
                assertThat(pool).as(f.toString()).contains("io/micrometer");
            } else {
                assertThat(pool).as(f.toString()).doesNotContain("io/micrometer");
            }
        }
    }

    private static List<Path> classFiles(String under) throws IOException, URISyntaxException {
        Path classes = Path.of(Engine.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve(under);
        try (Stream<Path> walk = Files.walk(classes)) {
            return walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
    }

    /** A class file read as text: its constant pool holds every referenced type name in internal form. */
    private static String constantPool(Path classFile) throws IOException {
        return new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
    }
}
