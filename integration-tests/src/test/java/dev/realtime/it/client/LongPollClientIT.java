package dev.realtime.it.client;

import dev.realtime.client.Transport;
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
        return Deployments.war("client-longpoll", PARAMS);
    }

    @Override
    Transport transport() {
        return Transport.LONG_POLLING;
    }
}
