package dev.realtime.containers;

import java.nio.file.Path;

/** A WAR deployed at a context path: {@code ""} is the root. */
record App(String context, Path war) {

    /** The file name that makes servers which take the context from it (Tomcat, Jetty, WildFly) use {@link #context}. */
    String fileName() {
        return context.isEmpty() ? "ROOT.war" : context.substring(1) + ".war";
    }
}
