package dev.realtime.sample.ee;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/tasks?title=...} adds a task; {@code &fail=true} makes its transaction roll back. */
@Path("/tasks")
public class TaskResource {
    @Inject
    TaskBoard board;

    @POST
    public Response add(@QueryParam("title") String title, @QueryParam("fail") boolean fail) {
        try {
            int id = board.add(title == null || title.isBlank() ? "untitled" : title, fail);
            return Response.accepted("{\"id\":" + id + "}").type("application/json").build();
        } catch (TaskBoard.Refused e) {
            return Response.status(409).entity("{\"rolledBack\":true,\"message\":\"" + e.getMessage() + "\"}").type("application/json").build();
        }
    }
}
