package dev.realtime;

/**
 * Decides who may subscribe to and publish on which channel. Configure one in web.xml with
 * {@code realtime.authorizer} (a class with a public no-argument constructor). Without one, every
 * client may subscribe and publish everywhere (container security constraints still apply).
 *
 * <p>{@link #authorize} is called once per HTTP request (poll, SSE, publish) or WebSocket handshake,
 * while the request's principal, roles and headers are at hand; the {@link ChannelAccess} it returns
 * then answers for every channel that connection asks for, including WebSocket frames sent later.
 *
 * <pre>{@code
 * public class ChatAuthorizer implements Authorizer {
 *     public ChannelAccess authorize(AccessRequest request) {
 *         boolean staff = request.isUserInRole("staff");
 *         return ChannelAccess.of(channel -> true,                                       // anyone may read
 *                                 channel -> staff || !channel.startsWith("announcements")); // staff-only writes
 *     }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Authorizer {

    ChannelAccess authorize(AccessRequest request);
}
