package dev.realtime.it.metrics;

import dev.realtime.it.support.Deployments;
import dev.realtime.it.support.Http;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.http.HttpRequest;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Micrometer registry realtime's meters go to: the application's (context attribute), one
 * handed over later through {@code Realtime.bindMeterRegistry} (the meters move), else Micrometer's
 * global registry; and that undeploying leaves no meter and no MBean behind.
 */
@ExtendWith(ArquillianExtension.class)
class MeterRegistryIT {

    @Deployment(name = "own", testable = false)
    static WebArchive own() {
        return withMicrometer("registry-own").addClass(AppRegistry.class);
    }

    @Deployment(name = "global", testable = false)
    static WebArchive global() {
        return withMicrometer("registry-global");
    }

    @Deployment(name = "undeployed", managed = false, testable = false)
    static WebArchive undeployed() {
        return withMicrometer("registry-undeployed").addClass(AppRegistry.class);
    }

    static WebArchive withMicrometer(String name) {
        return Deployments.war(name, Map.of())
                .addClasses(MeterProbe.class, MeterProbe.Meters.class)
                .addAsLibraries(MeterProbe.micrometerJars());
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void theApplicationsRegistryFromTheContextAttributeIsUsedAndTheGlobalOneIsNot(@ArquillianResource @OperateOnDeployment("own") URL base) {
        Http http = new Http(base);
        assertThat(http.publish("room", "1").statusCode()).isEqualTo(202);
        Meters own = Meters.read(http, "");
        assertThat(own.count("realtime.messages.published", "context=/registry-own,origin=http")).isEqualTo(1);
        assertThat(Meters.read(http, "?registry=global").values()).as("nothing in the global registry").isEmpty();
    }

    @Test
    void bindMeterRegistryMovesTheMeters(@ArquillianResource @OperateOnDeployment("own") URL base) {
        Http http = new Http(base);
        Meters before = Meters.read(http, "");
        assertThat(before.values()).isNotEmpty();
        assertThat(http.send(HttpRequest.newBuilder(http.uri("/test/meters")).POST(HttpRequest.BodyPublishers.noBody()).build())
                .statusCode()).isEqualTo(204);
        Meters fresh = Meters.read(http, "");
        assertThat(fresh.values().keySet()).as("the same meters in the new registry").isEqualTo(before.values().keySet());
        assertThat(fresh.count("realtime.messages.published", "context=/registry-own,origin=http"))
                .as("counts are the application's, not the registry's").isEqualTo(before.count("realtime.messages.published",
                        "context=/registry-own,origin=http"));
    }

    @Test
    void withoutARegistryTheMetersGoToTheGlobalOne(@ArquillianResource @OperateOnDeployment("global") URL base) {
        Http http = new Http(base);
        assertThat(http.publish("room", "1").statusCode()).isEqualTo(202);
        Meters global = Meters.read(http, "?registry=global");
        assertThat(global.count("realtime.messages.published", "context=/registry-global,origin=http")).isEqualTo(1);
        assertThat(global.get("realtime.connections", "context=/registry-global,transport=websocket")).isZero();
    }

    @Test
    void undeployingRemovesTheMetersAndTheMBeans() throws Exception {
        deployer.deploy("undeployed");
        Http http = new Http(new URL("http://localhost:" + System.getProperty("it.http.port") + "/registry-undeployed/"));
        assertThat(Meters.read(http, "").values()).hasSizeGreaterThan(40);
        ObjectName mine = new ObjectName("dev.realtime:context=/registry-undeployed,*");
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(mine, null)).as("type=Realtime and three transports").hasSize(4);
        System.clearProperty("realtime.it.metersLeft/registry-undeployed");

        deployer.undeploy("undeployed");

        assertThat(System.getProperty("realtime.it.metersLeft/registry-undeployed"))
                .as("realtime meters left in the application's registry after realtime stopped").isEqualTo("0");
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(mine, null)).as("MBeans left").isEmpty();
    }
}
