package dev.realtime.containers;

class WildFly39IT extends CdiChecks {
    WildFly39IT() {
        super(Servers.wildFly("wildfly39", "wildfly-39.0.1.Final"));
    }
}
