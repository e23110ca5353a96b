package dev.realtime.containers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.stream.Stream;

/** The servers of the matrix, as a user installs them from their distributions (versions in the README). */
final class Servers {
    private Servers() {
    }

    /** Tomcat's zip, unpacked fresh: the connector on our port, no shutdown port, only our WAR in webapps. */
    static Server tomcat(String name, String folder) {
        return new Server(name) {
            @Override
            List<String> prepare(List<App> apps) throws IOException {
                deleteTree(home.resolve(folder));
                unzip(artifact(name + ".zip"), folder + "/bin");
                Path tomcat = home.resolve(folder);
                replace(tomcat.resolve("conf/server.xml"), "<Server port=\"8005\"", "<Server port=\"-1\"");
                replace(tomcat.resolve("conf/server.xml"), "<Connector port=\"8080\"", "<Connector address=\"127.0.0.1\" port=\"" + port + "\"");
                Path webapps = tomcat.resolve("webapps");
                deleteTree(webapps);
                Files.createDirectories(webapps);
                copy(apps, webapps);
                return List.of(tomcat.resolve("bin/catalina.sh").toString(), "run");
            }

            @Override
            List<Path> logFiles() {
                return withDirectory(log(), home.resolve(folder).resolve("logs"));
            }
        };
    }

    /** jetty-home with a fresh base holding the ee10 deploy, WebSocket and annotation modules. */
    static Server jetty(String name, String folder) {
        return jetty(name, name, folder, "http,ee10-deploy,ee10-websocket-jakarta,ee10-annotations");
    }

    /** jetty-home (the artifact {@code distribution}.zip) with a fresh base holding the given modules. */
    static Server jetty(String name, String distribution, String folder, String modules) {
        return new Server(name) {
            @Override
            List<String> prepare(List<App> apps) throws IOException, InterruptedException {
                unzip(artifact(distribution + ".zip"), folder + "/start.jar");
                Path jettyHome = home.resolve(folder);
                Path base = home.resolve("base");
                deleteTree(base);
                Files.createDirectories(base);
                run(List.of(java(), "-jar", jettyHome.resolve("start.jar").toString(), "jetty.home=" + jettyHome,
                        "jetty.base=" + base, "--add-modules=" + modules));
                copy(apps, base.resolve("webapps"));
                return List.of(java(), "-jar", jettyHome.resolve("start.jar").toString(), "jetty.home=" + jettyHome,
                        "jetty.base=" + base, "jetty.http.host=127.0.0.1", "jetty.http.port=" + port);
            }
        };
    }

    /**
     * Payara Micro's jar, each WAR given as {@code --deploy file:context}. Even with --nocluster its
     * Hazelcast binds a port (6900 by default): a free one is given.
     */
    static Server payaraMicro(String name) {
        return new Server(name) {
            @Override
            List<String> prepare(List<App> apps) throws IOException {
                Path root = home.resolve("root");
                deleteTree(root);
                Path wars = home.resolve("wars");
                deleteTree(wars);
                Files.createDirectories(wars);
                copy(apps, wars);
                List<String> command = new ArrayList<>(List.of(java(), "-jar", artifact(name + ".jar").toString(), "--nocluster",
                        "--startport", String.valueOf(freePort()), "--rootdir", root.toString(), "--port", String.valueOf(port)));
                for (App app : apps) {
                    command.addAll(List.of("--deploy", wars.resolve(app.fileName()) + ":" + (app.context().isEmpty() ? "/" : app.context())));
                }
                return command;
            }
        };
    }

    /** WildFly's tar.gz (unpacked once), every port moved by one offset chosen so that all of them are free. */
    static Server wildFly(String name, String folder) {
        return new Server(name) {
            @Override
            List<String> prepare(List<App> apps) throws IOException, InterruptedException {
                untar(artifact(name + ".tar.gz"), folder + "/bin/standalone.sh");
                Path standalone = home.resolve(folder).resolve("standalone");
                for (String dir : List.of("deployments", "data", "tmp", "log")) {
                    deleteTree(standalone.resolve(dir));
                }
                Files.createDirectories(standalone.resolve("deployments"));
                copy(apps, standalone.resolve("deployments"));
                int offset = freeOffset();
                port = 8080 + offset;
                return List.of(home.resolve(folder).resolve("bin/standalone.sh").toString(), "-b", "127.0.0.1",
                        "-bmanagement", "127.0.0.1", "-Djboss.socket.binding.port-offset=" + offset);
            }

            /** standalone.xml's ports: http, https, management http/https, transaction recovery and status. */
            private int freeOffset() throws IOException {
                int[] ports = {8080, 8443, 9990, 9993, 4712, 4713};
                for (int attempt = 0; attempt < 50; attempt++) {
                    int offset = freePort() - 8080;
                    if (offset > 0 && java.util.Arrays.stream(ports).allMatch(p -> p + offset < 65536 && free(p + offset))) {
                        return offset;
                    }
                }
                throw new IllegalStateException("found no port offset with WildFly's six ports free");
            }

            @Override
            Duration startTimeout() {
                return Duration.ofSeconds(240);
            }
        };
    }

    /** Open Liberty's zip (unpacked once), a server with servlet-6.0 and websocket-2.1 and the WAR at /. */
    static Server openLiberty(String name) {
        return new Server(name) {
            @Override
            List<String> prepare(List<App> apps) throws IOException {
                unzip(artifact(name + ".zip"), "wlp/bin/server");
                Path server = home.resolve("wlp/usr/servers/matrix");
                deleteTree(server);
                Files.createDirectories(server.resolve("apps"));
                copy(apps, server.resolve("apps"));
                StringBuilder webApplications = new StringBuilder();
                for (App app : apps) {
                    webApplications.append("  <webApplication location=\"").append(app.fileName()).append("\" contextRoot=\"")
                            .append(app.context().isEmpty() ? "/" : app.context()).append("\"/>\n");
                }
                Files.writeString(server.resolve("server.xml"), """
                        <server>
                          <featureManager>
                            <feature>servlet-6.0</feature>
                            <feature>websocket-2.1</feature>
                            <!-- for the CDI checks (/cdi): CDI, JAX-RS, EJB Lite with JTA, MicroProfile Health -->
                            <feature>cdi-4.0</feature>
                            <feature>restfulWS-3.1</feature>
                            <feature>enterpriseBeansLite-4.0</feature>
                            <feature>mpHealth-4.0</feature>
                          </featureManager>
                          <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
                        %s</server>
                        """.formatted(port, webApplications));
                return List.of(home.resolve("wlp/bin/server").toString(), "run", "matrix");
            }

            @Override
            List<Path> logFiles() {
                return withDirectory(log(), home.resolve("wlp/usr/servers/matrix/logs"));
            }

            @Override
            Duration startTimeout() {
                return Duration.ofSeconds(240);
            }
        };
    }

    /** Each WAR under the name that gives it its context. */
    private static void copy(List<App> apps, Path dir) throws IOException {
        for (App app : apps) {
            Files.copy(app.war(), dir.resolve(app.fileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<Path> withDirectory(Path console, Path dir) {
        List<Path> files = new ArrayList<>(List.of(console));
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        } catch (IOException e) {
            // no log directory yet
        }
        return files;
    }
}
