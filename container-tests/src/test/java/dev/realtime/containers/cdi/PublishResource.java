package dev.realtime.containers.cdi;

import dev.realtime.Message;
import dev.realtime.Realtime;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import java.util.Map;

/** A JAX-RS resource with realtime injected: publishes outside any transaction, so at once. */
@Path("/publish")
public class PublishResource {
    @Inject
    Realtime realtime;

    @GET
    @Produces("application/json")
    public String publish(@QueryParam("channel") String channel) {
        Message m = realtime.publish(channel, Map.of("via", "jaxrs"));
        return "{\"id\":\"" + m.id() + "\"}";
    }
}
