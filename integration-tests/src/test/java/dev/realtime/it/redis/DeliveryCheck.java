package dev.realtime.it.redis;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a subscriber must have received, given what the publishers were told: the product's promise
 * ("never loses a message") as assertions. Each check returns the problems it found, empty when none.
 */
final class DeliveryCheck {
    private final Map<String, Long> acknowledged = new HashMap<>();
    private final Map<String, Publisher.Attempt> attempted = new HashMap<>();

    DeliveryCheck(List<Publisher> publishers) {
        for (Publisher p : publishers) {
            p.acks.forEach(a -> acknowledged.put(a.attempt().key(), a.id()));
            p.attempts.forEach(a -> attempted.put(a.key(), a));
        }
    }

    /**
     * History held everything: no gap notice; every acknowledged publish exactly once, in publish
     * order (ids rising), with the id its publisher was given. A publish that was not acknowledged
     * (refused after a timeout, or its node died before answering) may have been published, so it
     * may arrive, once.
     */
    List<String> everyMessageOnceInOrder(Subscriber s) {
        List<Subscriber.Event> events = List.copyOf(s.events);
        List<String> problems = new ArrayList<>();
        long gaps = events.stream().filter(Subscriber.Event::gap).count();
        if (gaps > 0) {
            problems.add(gaps + " gap notice(s), though history held every message");
        }
        problems.addAll(onceInOrder(events.stream().filter(e -> !e.gap()).toList(), "", acknowledged.keySet()));
        return problems;
    }

    /**
     * Redis lost its data at some point: exactly one gap notice; before it, messages of publishes
     * started before the loss (those the gap covers may be missing); after it, every acknowledged
     * publish started after {@code afterLoss}, once, in order.
     */
    List<String> oneGapThenEverything(Subscriber s, long lossNanos, long afterLossNanos) {
        List<Subscriber.Event> events = List.copyOf(s.events);
        List<String> problems = new ArrayList<>();
        int gap = -1;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).gap()) {
                if (gap >= 0) {
                    problems.add("a second gap notice at " + i);
                }
                gap = gap < 0 ? i : gap;
            }
        }
        if (gap < 0) {
            problems.add("no gap notice, though Redis lost its data");
            gap = events.size();
        }
        Predicate<String> beforeLoss = k -> attempted.get(k) != null && attempted.get(k).startNanos() < lossNanos;
        List<Subscriber.Event> before = events.subList(0, gap);
        List<Subscriber.Event> after = events.subList(Math.min(gap + 1, events.size()), events.size()).stream()
                .filter(e -> !e.gap()).toList();
        before.stream().filter(e -> !beforeLoss.test(e.key())).findFirst()
                .ifPresent(e -> problems.add("before the gap: " + e + " was published after Redis lost its data"));
        after.stream().filter(e -> beforeLoss.test(e.key())).findFirst()
                .ifPresent(e -> problems.add("after the gap: " + e + " was published before Redis lost its data"));
        problems.addAll(onceInOrder(before, "before the gap: ", Set.of()));
        Set<String> required = new HashSet<>();
        acknowledged.keySet().stream().filter(k -> attempted.get(k).startNanos() > afterLossNanos).forEach(required::add);
        problems.addAll(onceInOrder(after, "after the gap: ", required));
        return problems;
    }

    /** No key twice, ids rising, every received key published (with its acknowledged id), and all of {@code required}. */
    private List<String> onceInOrder(List<Subscriber.Event> messages, String where, Set<String> required) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long lastId = 0;
        for (Subscriber.Event e : messages) {
            if (!seen.add(e.key())) {
                problems.add(where + "duplicate " + e);
            }
            if (e.id() <= lastId) {
                problems.add(where + "out of order: " + e + " after id " + lastId);
            }
            lastId = e.id();
            if (!attempted.containsKey(e.key())) {
                problems.add(where + "never published: " + e);
            }
            Long ackId = acknowledged.get(e.key());
            if (ackId != null && ackId != e.id()) {
                problems.add(where + e + " was acknowledged with id " + ackId);
            }
        }
        List<String> missing = required.stream().filter(k -> !seen.contains(k)).sorted().toList();
        if (!missing.isEmpty()) {
            problems.add(where + missing.size() + " acknowledged message(s) never received: "
                    + (missing.size() > 20 ? missing.subList(0, 20) + "..." : missing));
        }
        return problems;
    }

    /** Whether {@code s} has received every acknowledged publish (the traffic is over when this holds for all). */
    boolean hasEveryAcknowledged(Subscriber s, Predicate<Publisher.Attempt> which) {
        Set<String> keys = new HashSet<>();
        s.events.forEach(e -> keys.add(e.key()));
        return acknowledged.keySet().stream().filter(k -> which.test(attempted.get(k))).allMatch(keys::contains);
    }
}
