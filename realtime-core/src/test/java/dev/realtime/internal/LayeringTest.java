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

/** Core stays container-free: it neither sees nor names a servlet or WebSocket type. */
class LayeringTest {

    @Test
    void servletAndWebSocketApisAreNotOnTheCoreClassPath() {
        assertThatThrownBy(() -> Class.forName("jakarta.servlet.Servlet")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("jakarta.websocket.Session")).isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void noCoreClassReferencesAContainerType() throws IOException, URISyntaxException {
        Path classes = Path.of(Engine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path f : files) {
            // class file constant pools hold referenced type names in internal form
            String pool = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(pool).as(f.toString()).doesNotContain("jakarta/servlet", "jakarta/websocket");
        }
    }

    /** Micrometer is optional: only the one package loaded after checking that it is there names its types. */
    @Test
    void onlyTheMicrometerPackageNamesMicrometer() throws IOException, URISyntaxException {
        Path classes = Path.of(Engine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path allowed = classes.resolve("dev/realtime/internal/metrics/micrometer");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(files).anyMatch(f -> f.startsWith(allowed));
        for (Path f : files) {
            String pool = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            if (f.startsWith(allowed)) {
                assertThat(pool).as(f.toString()).contains("io/micrometer");
            } else {
                assertThat(pool).as(f.toString()).doesNotContain("io/micrometer");
            }
        }
    }
}
