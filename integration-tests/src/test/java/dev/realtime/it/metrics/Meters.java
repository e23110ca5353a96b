package dev.realtime.it.metrics;

import dev.realtime.it.support.Http;

import java.util.Map;
import java.util.TreeMap;

/** What {@code GET /test/meters} answered: {@code name{tag=v,...}} to value. */
record Meters(Map<String, Double> values) {

    static Meters read(Http http, String query) {
        Map<String, Double> values = new TreeMap<>();
        String body = http.get("/test/meters" + query).body();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                int space = line.lastIndexOf(' ');
                values.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return new Meters(values);
    }

    /** The value of {@code name} with the given tags (in Micrometer's order: sorted by key), or null. */
    Double get(String name, String tags) {
        return values.get(name + "{" + tags + "}");
    }

    long count(String name, String tags) {
        return value(name + "{" + tags + "}");
    }

    /** How many times a timer recorded. */
    long timerCount(String name, String tags) {
        return value(name + "{" + tags + "}#count");
    }

    private long value(String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new AssertionError("no meter " + key + " in " + values.keySet());
        }
        return v.longValue();
    }
}
