package dev.realtime.containers;

class Jetty12IT extends NoCdiChecks {
    Jetty12IT() {
        super(Servers.jetty("jetty12", "jetty-home-12.1.5"));
    }
}
