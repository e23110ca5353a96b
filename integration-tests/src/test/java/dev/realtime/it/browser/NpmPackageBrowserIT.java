package dev.realtime.it.browser;

import dev.realtime.it.abuse.EngineProbeServlet;
import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.Asset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.realtime.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The npm package as an application gets it: {@code npm pack} of realtime-servlet/src/main/js, the
 * tarball installed into a small TypeScript project (src/test/npm-app, esbuild and typescript pinned
 * in its package-lock.json), type-checked against the package's declarations, bundled with esbuild,
 * and run in Chromium against the chat sample. The bundle shares its connection with a sample page
 * that loads the server's copy of the client.
 */
@ExtendWith(ArquillianExtension.class)
class NpmPackageBrowserIT {
    static final String APP = "npm-sample";
    static final Path PACKAGE = Path.of("..", "realtime-servlet", "src", "main", "js");
    static final Path PROJECT = Path.of("src", "test", "npm-app");
    static final Path WORK = Path.of("target", "npm-app");

    /** The sample with the bundle next to its pages; the bundle's files are read when the test deploys it. */
    @Deployment(name = APP, managed = false, testable = false)
    static WebArchive war() {
        return Deployments.sample().addClass(EngineProbeServlet.class)
                .addAsWebResource(built("index.html"), "npm-app.html")
                .addAsWebResource(built("dist/app.js"), "npm-app.js");
    }

    private static Asset built(String file) {
        return () -> {
            try {
                return Files.newInputStream(WORK.resolve(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    @ArquillianResource
    Deployer deployer;

    @RegisterExtension
    final Chromium chromium = new Chromium();
    boolean deployed;

    @AfterEach
    void tearDown() {
        if (deployed) {
            deployer.undeploy(APP);
        }
    }

    @Test
    void thePackedTarballBundledWithEsbuildRunsInChromiumAgainstTheSample() throws Exception {
        requireNpmOrSkip();
        String version = packInstallCheckAndBundle();

        deployer.deploy(APP);
        deployed = true;
        URL app = new URL("http://localhost:" + System.getProperty("it.http.port") + "/sample/");
        Http http = new Http(app);
        String room = "npm-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(http.publish("room:" + room, "{\"nick\":\"bot\",\"text\":\"before\"}").statusCode()).isEqualTo(202);

        ChromeDriver browser = chromium.open();
        browser.get(app + "npm-app.html?room=" + room);
        String bundle = browser.getWindowHandle();
        await("the bundle connected", () -> "open".equals(js(browser, bundle, "window.bundled && window.bundled.state")));
        assertThat(js(browser, bundle, "window.bundled.version")).isEqualTo(version);
        await("history", () -> got(browser, bundle).equals(List.of("before")));
        assertThat(js(browser, bundle, "window.bundled.transport")).isEqualTo("websocket");
        assertThat(js(browser, bundle, "window.bundled.shared.mode")).as("the bundle found the server's shared worker").isEqualTo("worker");

        // the sample page, on the server's copy of the client, joins the same connection
        browser.switchTo().newWindow(WindowType.TAB);
        ChatPage sample = ChatPage.open(browser, app, room, "sam", "auto").waitConnected("websocket");
        sample.waitFor("shared with the bundle", () -> sample.shareText().contains("2 tabs"));
        await("one server connection for the bundle and the sample page", () -> sessions(http) == 1);

        Object ack = ((ChromeDriver) browser.switchTo().window(bundle)).executeAsyncScript(
                "const done = arguments[arguments.length - 1]; window.bundled.send('from the bundle').then(done, (e) => done(String(e)));");
        assertThat(ack).isInstanceOf(Map.class);
        sample.send("from the sample");
        List<String> expected = List.of("before", "from the bundle", "from the sample");
        await("the bundle got both", () -> got(browser, bundle).size() >= 3);
        assertThat(got(browser, bundle)).containsExactlyElementsOf(expected);
        sample.waitForTexts(expected);
        assertThat(sample.texts()).containsExactlyElementsOf(expected);
        assertThat(js(browser, bundle, "window.bundled.errors")).isEqualTo(List.of());
    }

    /** Packs the package, installs the tarball into a copy of the project, type-checks and bundles it; returns the version. */
    private static String packInstallCheckAndBundle() throws Exception {
        deleteTree(WORK);
        Files.createDirectories(WORK);
        for (String f : List.of("package.json", "package-lock.json", "tsconfig.json", "app.ts", "index.html")) {
            Files.copy(PROJECT.resolve(f), WORK.resolve(f));
        }
        String packed = run(PACKAGE, "npm", "pack", "--json", "--pack-destination", WORK.toAbsolutePath().toString());
        String tarball = field(packed, "filename");
        for (String file : List.of("realtime.js", "realtime-client.js", "realtime-share.js", "realtime-hub.js",
                "realtime-connection.js", "realtime-transports.js", "realtime.d.ts", "README.md", "package.json")) {
            assertThat(packed).as("the tarball holds " + file).contains("\"path\": \"" + file + "\"");
        }
        assertThat(packed).as("only the package's own files").doesNotContain("test");
        run(WORK, "npm", "ci", "--no-audit", "--no-fund");
        run(WORK, "npm", "install", "--no-save", "--no-audit", "--no-fund", "./" + tarball);
        run(WORK, "npx", "--no-install", "tsc", "-p", "."); // the declarations type the application
        run(WORK, "npx", "--no-install", "esbuild", "app.ts", "--bundle", "--format=esm", "--target=es2020", "--outfile=dist/app.js");
        String bundle = Files.readString(WORK.resolve("dist/app.js"));
        assertThat(bundle).as("the package is bundled in, nothing left to import").doesNotContain("@dev-realtime/client\"");
        return field(packed, "version");
    }

    private static String field(String json, String name) {
        int at = json.indexOf("\"" + name + "\": \"");
        assertThat(at).as(name + " in " + json).isPositive();
        int start = at + name.length() + 5;
        return json.substring(start, json.indexOf('"', start));
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as(String.join(" ", command) + " finished").isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(String.join(" ", command) + " in " + dir + ":\n" + text).isZero();
        return text;
    }

    /** Skips without npm, unless REALTIME_REQUIRE_BROWSER=true (CI): then a missing npm fails. */
    private static void requireNpmOrSkip() {
        boolean present;
        try {
            Process p = new ProcessBuilder("npm", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            present = p.waitFor(1, TimeUnit.MINUTES) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            present = false;
        }
        if (!present && "true".equalsIgnoreCase(System.getenv("REALTIME_REQUIRE_BROWSER"))) {
            throw new AssertionError("REALTIME_REQUIRE_BROWSER=true, but npm was not found: the npm package test needs Node.js and npm");
        }
        Assumptions.assumeTrue(present, "npm package test skipped: npm not found");
    }

    private static int sessions(Http http) {
        return Integer.parseInt(http.get("/test/abuse/sessions").body().trim());
    }

    private static Object js(ChromeDriver browser, String tab, String expression) {
        browser.switchTo().window(tab);
        return browser.executeScript("return " + expression);
    }

    @SuppressWarnings("unchecked")
    private static List<String> got(ChromeDriver browser, String tab) {
        return new ArrayList<>((List<String>) js(browser, tab, "window.bundled.got"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
