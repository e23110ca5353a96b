package dev.realtime.internal.presence;

import dev.realtime.protocol.JsonStrings;
import dev.realtime.PresenceMember;

import java.util.List;

/** The JSON of presence member lists (protocol 1.1), one definition for every transport and the HTTP snapshot. */
public final class PresenceJson {
    private PresenceJson() {
    }

    /** {@code [{"member":"ann","info":{...}}...]} */
    public static String members(List<PresenceMember> members) {
        StringBuilder b = new StringBuilder(2 + members.size() * 48).append('[');
        for (PresenceMember m : members) {
            b.append(b.length() == 1 ? "{\"member\":" : ",{\"member\":");
            JsonStrings.append(b, m.member());
            b.append(",\"info\":").append(m.info()).append('}');
        }
        return b.append(']').toString();
    }

    /** The fields of a {@code sync} event (without braces). */
    public static String sync(String channel, List<PresenceMember> members, long ts) {
        return "\"channel\":" + JsonStrings.quote(channel) + ",\"action\":\"sync\",\"members\":" + members(members) + ",\"ts\":" + ts;
    }

    /** The HTTP snapshot's body: {@code {"channel":"a","members":[...]}}. */
    public static String snapshot(String channel, List<PresenceMember> members) {
        return "{\"channel\":" + JsonStrings.quote(channel) + ",\"members\":" + members(members) + "}";
    }
}
