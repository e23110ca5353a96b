package dev.realtime;

/**
 * Sees, validates or refuses what clients publish. Configure one in web.xml with
 * {@code realtime.publishHook} (a class name with a public no-argument constructor) or add one with
 * {@link Realtime#addPublishHook}.
 */
@FunctionalInterface
public interface PublishHook {

    /**
     * Called before a client's message is published.
     *
     * @throws RealtimeException to refuse it; the client gets the exception's code and message
     */
    void beforePublish(ClientPublish publish);
}
