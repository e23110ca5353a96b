package dev.realtime.it.redis;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An application node in a JVM of its own, for tests that kill a node (see
 * {@link RedisNodes#startProcess}): embedded Tomcat on a free port with the given WAR at {@code /app};
 * prints {@value #READY} and the port once the application runs, then runs until killed.
 */
public final class NodeMain {
    static final String READY = "NODE READY ";

    private NodeMain() {
    }

    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        Files.createDirectories(base.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.getHost().setAppBase(base.resolve("webapps").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addWebapp("/app", args[1]);
        tomcat.start();
        if (context.getState() != LifecycleState.STARTED) {
            System.out.println("NODE FAILED " + context.getState());
            System.exit(1);
        }
        System.out.println(READY + connector.getLocalPort());
        System.out.flush();
        tomcat.getServer().await();
    }
}
