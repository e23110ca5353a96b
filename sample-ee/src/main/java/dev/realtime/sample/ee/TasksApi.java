package dev.realtime.sample.ee;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** JAX-RS at /api. */
@ApplicationPath("/api")
public class TasksApi extends Application {
}
