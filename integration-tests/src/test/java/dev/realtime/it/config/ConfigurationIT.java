package dev.realtime.it.config;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** web.xml configuration: a remapped base path, manual mapping, and bad values that stop start-up. */
@ExtendWith(ArquillianExtension.class)
class ConfigurationIT {

    @Deployment(name = "remapped", testable = false)
    static WebArchive remapped() {
        return Deployments.war("remapped", Map.of("realtime.basePath", "/push/v1"));
    }

    /** The application owns /realtime: auto-registration off, the servlet mapped by hand. */
    @Deployment(name = "manual", testable = false)
    static WebArchive manual() {
        return Deployments.war("manual", Map.of()).setWebXML(new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <context-param><param-name>realtime.autoRegister</param-name><param-value>false</param-value></context-param>
                  <servlet>
                    <servlet-name>push</servlet-name>
                    <servlet-class>dev.realtime.servlet.RealtimeServlet</servlet-class>
                    <async-supported>true</async-supported>
                  </servlet>
                  <servlet-mapping><servlet-name>push</servlet-name><url-pattern>/api/events/*</url-pattern></servlet-mapping>
                </web-app>
                """));
    }

    @Deployment(name = "bad", managed = false, testable = false)
    static WebArchive bad() {
        return Deployments.war("bad", Map.of("realtime.history.size", "lots"));
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void basePathMovesEveryEndpoint(@ArquillianResource @OperateOnDeployment("remapped") URL base) {
        Http http = new Http(base);
        assertThat(http.get("/push/v1/poll?channel=a&timeout=0").statusCode()).isEqualTo(200);
        assertThat(http.get("/push/v1/realtime.js").statusCode()).isEqualTo(200);
        assertThat(http.get("/realtime/poll?channel=a&timeout=0").statusCode()).isEqualTo(404);
    }

    @Test
    void manualMappingWorksAndNothingIsRegisteredAtTheDefaultPath(@ArquillianResource @OperateOnDeployment("manual") URL base) {
        Http http = new Http(base);
        assertThat(http.publish("a", "1").statusCode()).as("/realtime is left to the application").isEqualTo(404);
        var r = http.send(java.net.http.HttpRequest.newBuilder(http.uri("/api/events/publish?channel=a"))
                .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("1")).build());
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(http.get("/api/events/poll?channel=a&timeout=0&since=earliest").body()).contains("\"data\":1");
    }

    @Test
    void aBadParameterStopsStartUpWithAMessageNamingIt(@ArquillianResource @OperateOnDeployment("remapped") URL remapped) throws Exception {
        // embedded Tomcat logs through java.util.logging in this JVM: catch what it reports
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                    logged.add(String.valueOf(t.getMessage()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        try {
            deployer.deploy("bad");
        } finally {
            root.removeHandler(handler);
        }
        assertThat(logged).contains("realtime.history.size must be a whole number, got 'lots'");
        URL bad = new URL(remapped.getProtocol(), remapped.getHost(), remapped.getPort(), "/bad/");
        assertThat(new Http(bad).get("/realtime/poll?channel=a&timeout=0").statusCode()).as("the application did not start").isEqualTo(404);
        deployer.undeploy("bad");
    }
}
