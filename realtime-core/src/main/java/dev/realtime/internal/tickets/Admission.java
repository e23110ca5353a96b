package dev.realtime.internal.tickets;

/**
 * A ticket or resume token that was accepted for a connection.
 *
 * @param credential what it says
 * @param token      the resume token to hand to the client
 * @param expiresIn  milliseconds until the credential expires, as the client is told
 */
public record Admission(Credential credential, String token, long expiresIn) {

    public String user() {
        return credential.user();
    }

    @Override
    public String toString() {
        return "Admission[" + credential + ", expiresIn=" + expiresIn + "]"; // never the token
    }
}
