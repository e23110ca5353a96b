package dev.realtime.it.browser;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Headless Debian chromium driven through Debian's chromedriver. Never downloads anything: the
 * driver is named explicitly (so Selenium Manager is skipped) and Selenium Manager is told to stay
 * offline should anything ever call it.
 *
 * <p>As a field with {@code @RegisterExtension} it serves one test: it skips the test without a
 * browser (or fails it, see {@link #requireOrSkip}), and afterwards keeps the browsers' consoles in
 * {@code target/browser-logs/<class>-<test>.log} and closes them.
 */
final class Chromium implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String SKIPPED = "browser tests skipped: /usr/bin/chromium and /usr/bin/chromedriver not found;"
            + " install Debian's chromium chromium-driver to run them";

    private static final String JOURNAL = """
            (() => {
              const nativeFetch = window.fetch.bind(window);
              const t0 = Date.now();
              window.fetch = async (url, init) => {
                const u = String(url);
                if (!u.includes('/realtime/')) return nativeFetch(url, init);
                const started = Date.now() - t0;
                try {
                  const response = await nativeFetch(url, init);
                  if (!u.includes('/sse')) {
                    response.clone().text().then(
                      (body) => console.info(`[journal] +${started}ms ${u} -> ${response.status} ${body.slice(0, 2000)}`),
                      (e) => console.info(`[journal] +${started}ms ${u} -> ${response.status} body failed: ${e}`));
                  } else {
                    console.info(`[journal] +${started}ms ${u} -> ${response.status}`);
                  }
                  return response;
                } catch (e) {
                  console.info(`[journal] +${started}ms ${u} -> failed: ${e}`);
                  throw e;
                }
              };
            })();
            """;

    private final List<ChromeDriver> drivers = new ArrayList<>();
    private final List<Path> profiles = new ArrayList<>();

    static boolean available() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    /**
     * Skips the calling test when there is no browser, unless {@code REALTIME_REQUIRE_BROWSER=true}
     * (set by {@code .ci/run}): then a missing browser is a failure, not a skip.
     */
    static void requireOrSkip() {
        if (!available() && "true".equalsIgnoreCase(System.getenv("REALTIME_REQUIRE_BROWSER"))) {
            throw new AssertionError("REALTIME_REQUIRE_BROWSER=true, but /usr/bin/chromium and /usr/bin/chromedriver"
                    + " were not found; install Debian's chromium chromium-driver");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(available(), SKIPPED);
    }

    /** A new browser with its own fresh profile. */
    ChromeDriver open() {
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        System.setProperty("SE_OFFLINE", "true"); // passed to Selenium Manager as an environment variable
        Path profile;
        try {
            profile = Files.createTempDirectory("realtime-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        profiles.add(profile);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,800", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        drivers.add(driver);
        // a journal of the client's HTTP traffic in the console log, for whoever reads a failure
        driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", JOURNAL));
        return driver;
    }

    /** The browsers' console output, for the test report when something fails. */
    String consoleLogs() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < drivers.size(); i++) {
            try {
                for (LogEntry e : drivers.get(i).manage().logs().get(LogType.BROWSER)) {
                    out.append("browser ").append(i).append(": ").append(e.getLevel()).append(' ')
                            .append(e.getMessage()).append('\n');
                }
            } catch (RuntimeException e) {
                out.append("browser ").append(i).append(": no logs (").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        requireOrSkip();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (!drivers.isEmpty()) {
                Path dir = Files.createDirectories(Path.of("target", "browser-logs"));
                Files.writeString(dir.resolve(context.getRequiredTestClass().getSimpleName() + "-"
                        + context.getRequiredTestMethod().getName() + ".log"), consoleLogs());
            }
        } finally {
            close();
        }
    }

    @Override
    public void close() {
        for (ChromeDriver d : drivers) {
            try {
                d.quit();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        drivers.clear();
        for (Path p : profiles) {
            try (Stream<Path> files = Files.walk(p)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind
            }
        }
        profiles.clear();
    }
}
