package dev.realtime.it.security;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import dev.realtime.it.support.TestAuthorizer;
import dev.realtime.it.support.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;

import static dev.realtime.it.support.ErrorAssert.assertError;
import static dev.realtime.it.support.ErrorAssert.handshakeRefusal;
import static org.assertj.core.api.Assertions.assertThat;

/** The Authorizer SPI on every transport, and container security constraints on the endpoints. */
@ExtendWith(ArquillianExtension.class)
class AuthorizationIT {

    @Deployment(testable = false)
    static WebArchive war() {
        return Deployments.war("authz", java.util.Map.of()).addClass(TestAuthorizer.class).setWebXML(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>realtime.authorizer</param-name><param-value>dev.realtime.it.support.TestAuthorizer</param-value></context-param>
                  <!-- the container's own constraints protect the endpoints as usual: nobody may publish on /realtime/publish/... sub-paths -->
                  <security-constraint>
                    <web-resource-collection><web-resource-name>closed</web-resource-name><url-pattern>/realtime/closed/*</url-pattern></web-resource-collection>
                    <auth-constraint/>
                  </security-constraint>
                </web-app>
                """));
    }

    @ArquillianResource
    URL base;
    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(base);
    }

    URI ws(String query) {
        return http.ws(query);
    }

    @Test
    void subscribingToAForbiddenChannelIs403OnEveryHttpTransport() {
        assertError(http.get("/realtime/poll?timeout=0&channel=staff:plans"), 403, "forbidden");
        assertError(http.get("/realtime/sse?channel=room:1&channel=staff:plans"), 403, "forbidden");
        var staff = http.send(HttpRequest.newBuilder(http.uri("/realtime/poll?timeout=0&channel=staff:plans")).header("X-Team", "staff").build());
        assertThat(staff.statusCode()).isEqualTo(200);
    }

    @Test
    void publishingOnAReadOnlyChannelIs403ButTheApplicationMayPublish() {
        assertError(http.publish("news:today", "\"hi\""), 403, "forbidden");
        assertThat(http.publish("room:1", "\"hi\"").statusCode()).isEqualTo(202);
    }

    @Test
    void webSocketRefusalsAreHandshake403sOrErrorFrames() {
        assertError(handshakeRefusal(() -> new WsClient(ws("?channel=staff:plans"))), 403, "forbidden");
        try (WsClient c = new WsClient(ws("?channel=news:today"))) {
            c.next("subscribed");
            c.send("{\"type\":\"subscribe\",\"channel\":\"staff:plans\",\"ref\":1}");
            JsonObject refused = c.next("error");
            assertThat(refused.getString("code")).isEqualTo("forbidden");
            assertThat(refused.getString("channel")).isEqualTo("staff:plans");
            c.send("{\"type\":\"publish\",\"channel\":\"news:today\",\"data\":1,\"ref\":2}");
            assertThat(c.next("error").getString("code")).isEqualTo("forbidden");
            c.send("{\"type\":\"ping\"}");
            c.next("pong"); // still open
        }
    }

    @Test
    void containerSecurityConstraintsApplyToTheEndpoints() {
        assertThat(http.get("/realtime/closed/anything").statusCode()).isEqualTo(403);
    }
}
