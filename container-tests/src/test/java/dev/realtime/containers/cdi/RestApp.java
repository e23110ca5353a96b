package dev.realtime.containers.cdi;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** JAX-RS at /rest. */
@ApplicationPath("/rest")
public class RestApp extends Application {
}
