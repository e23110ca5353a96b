package dev.realtime.containers;

class OpenLiberty25IT extends ProtocolChecks {
    OpenLiberty25IT() {
        super(Servers.openLiberty("liberty25"));
    }
}
