package dev.realtime.containers;

class Tomcat11IT extends ProtocolChecks {
    Tomcat11IT() {
        super(Servers.tomcat("tomcat11", "apache-tomcat-11.0.24"));
    }
}
