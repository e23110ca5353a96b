package dev.realtime.internal.tickets;

import dev.realtime.ChannelAccess;
import dev.realtime.ErrorCode;
import dev.realtime.RealtimeException;

import java.util.ArrayList;
import java.util.List;

/**
 * The one rule for channels a ticket-admitted request may not subscribe to: they are left out and
 * named, the others served; only when none is left is the whole request {@code forbidden}.
 *
 * @param allowed the channels to subscribe
 * @param refused the channels left out
 */
public record ChannelGrant(List<String> allowed, List<String> refused) {

    public static ChannelGrant split(List<String> channels, ChannelAccess access) {
        List<String> allowed = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (String c : channels) {
            (access.maySubscribe(c) ? allowed : refused).add(c);
        }
        if (allowed.isEmpty() && !refused.isEmpty()) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, refused.size() == 1 ? "you may not subscribe to " + refused.get(0)
                    : "you may not subscribe to any of " + refused);
        }
        return new ChannelGrant(List.copyOf(allowed), List.copyOf(refused));
    }

    public static RealtimeException forbidden(String channel) {
        return new RealtimeException(ErrorCode.FORBIDDEN, "you may not subscribe to " + channel);
    }
}
