package dev.realtime.it.client;

import dev.realtime.client.Transport;
import java.util.HashMap;
import java.util.Map;
import dev.realtime.it.support.Deployments;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Java client over LONG_POLLING: see {@link ClientTransportContract}. */
@ExtendWith(ArquillianExtension.class)
class LongPollClientIT extends ClientTransportContract {

    @Deployment(testable = false)
    static WebArchive war() {
        Map<String, String> params = new HashMap<>(PARAMS);
        params.put("realtime.poll.linger", "1s"); // see forgetClosedClient()
        return Deployments.war("client-longpoll", params);
    }

    @Override
    Transport transport() {
        return Transport.LONG_POLLING;
    }

    /**
     * A closed long-polling client's session stays parked for {@code realtime.poll.linger}, still
     * queuing: a poll of the same client (address and user) with its last cursor takes it over and
     * gets every message without a gap. Past the linger it is gone and the poll resumes from history.
     */
    @Override
    void forgetClosedClient() throws InterruptedException {
        Thread.sleep(2_000);
    }
}
