package dev.realtime.sample;

import dev.realtime.ClientPublish;
import dev.realtime.ErrorCode;
import dev.realtime.PublishHook;
import dev.realtime.RealtimeException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;

/**
 * (web.xml: {@code realtime.publishHook}) A signed-in user's messages carry their own name: a
 * publisher whose connection a ticket admitted may only post with {@code "nick"} equal to that user.
 * Anonymous publishers pick any nick, as before.
 */
public class SignedNicks implements PublishHook {
    @Override
    public void beforePublish(ClientPublish publish) {
        if (publish.user().isEmpty()) {
            return;
        }
        String user = publish.user().get().getName();
        JsonValue data = Json.createReader(new StringReader(publish.data())).readValue();
        JsonValue nick = data instanceof JsonObject o ? o.get("nick") : null;
        if (!(nick instanceof JsonString s) || !s.getString().equals(user)) {
            throw new RealtimeException(ErrorCode.FORBIDDEN, "signed in as " + user + ", you post as " + user);
        }
    }
}
