package dev.realtime.containers.cdi;

import dev.realtime.Message;
import dev.realtime.Realtime;
import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;

import java.util.Map;

/** An EJB with realtime injected; its methods run in a container-managed transaction (REQUIRED). */
@Stateless
public class PublishingBean {
    @Inject
    Realtime realtime;
    @Resource
    SessionContext context;

    /** Held until the method's transaction commits: returns whether the publish was held. */
    public boolean publish(String channel, Map<String, Object> data) {
        Message m = realtime.publish(channel, data);
        return m == null;
    }

    /** Publishes, then marks the transaction for rollback: nothing is delivered. */
    public void publishThenRollBack(String channel, Map<String, Object> data) {
        realtime.publish(channel, data);
        context.setRollbackOnly();
    }
}
