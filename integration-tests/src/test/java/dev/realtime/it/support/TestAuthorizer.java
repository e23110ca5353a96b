package dev.realtime.it.support;

import dev.realtime.AccessRequest;
import dev.realtime.Authorizer;
import dev.realtime.ChannelAccess;

/** Test rules: {@code staff:*} needs the header {@code X-Team: staff} to subscribe; {@code news:*} is read-only for clients. */
public class TestAuthorizer implements Authorizer {
    @Override
    public ChannelAccess authorize(AccessRequest request) {
        boolean staff = "staff".equals(request.header("X-Team"));
        return ChannelAccess.of(
                channel -> staff || !channel.startsWith("staff:"),
                channel -> !channel.startsWith("news:") && (staff || !channel.startsWith("staff:")));
    }
}
