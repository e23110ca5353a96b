package dev.realtime.it.http;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.realtime.it.support.ErrorAssert.assertError;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript client as the jar serves it: {@code realtime.js} and every module it imports, each
 * with an ETag that a revalidating browser (or shared worker) gets a 304 for; nothing else under
 * the same name pattern.
 */
@ExtendWith(ArquillianExtension.class)
class ClientScriptIT {
    private static final Pattern IMPORT = Pattern.compile("from '\\./(realtime[a-z-]*\\.js)'");

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("client-script", Map.of());
    }

    @ArquillianResource
    URL base;

    @Test
    void everyModuleRealtimeJsImportsIsServedWithAnEtag() {
        Http http = new Http(base);
        HttpResponse<String> entry = http.get("/realtime/realtime.js");
        assertThat(entry.statusCode()).isEqualTo(200);
        Matcher imports = IMPORT.matcher(entry.body());
        int modules = 0;
        while (imports.find()) {
            HttpResponse<String> module = http.get("/realtime/" + imports.group(1));
            assertThat(module.statusCode()).as(imports.group(1)).isEqualTo(200);
            assertThat(module.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
            assertThat(module.body()).contains("export");
            modules++;
        }
        assertThat(modules).as("modules imported by realtime.js").isGreaterThanOrEqualTo(3);

        String etag = entry.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(http.uri("/realtime/realtime.js"))
                .header("If-None-Match", etag).GET().build());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<String> other = http.send(HttpRequest.newBuilder(http.uri("/realtime/realtime.js"))
                .header("If-None-Match", "\"something-else\"").GET().build());
        assertThat(other.statusCode()).isEqualTo(200);
    }

    @Test
    void namesThatLookLikeModulesButAreNotInTheJarAreNotFound() {
        Http http = new Http(base);
        assertError(http.get("/realtime/realtime-nothing.js"), 404, "not_found");
        assertError(http.get("/realtime/realtime-share.ts"), 404, "not_found");
        assertError(http.get("/realtime/package.json"), 404, "not_found");
        assertError(http.get("/realtime/README.md"), 404, "not_found");
    }
}
