package dev.realtime.containers;

class Tomcat10IT extends ProtocolChecks {
    Tomcat10IT() {
        super(Servers.tomcat("tomcat10", "apache-tomcat-10.1.59"));
    }
}
