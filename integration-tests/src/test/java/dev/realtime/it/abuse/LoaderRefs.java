package dev.realtime.it.abuse;

import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Not packed into any WAR, so the test and every deployed web application see the same class (from
 * the test class path). It holds the web applications' class loaders only through weak references,
 * so it never keeps one alive itself.
 */
public final class LoaderRefs {
    static final List<WeakReference<ClassLoader>> LOADERS = new CopyOnWriteArrayList<>();

    private LoaderRefs() {
    }

    public static void track(ClassLoader loader) {
        for (WeakReference<ClassLoader> r : LOADERS) {
            if (r.get() == loader) {
                return;
            }
        }
        LOADERS.add(new WeakReference<>(loader));
    }

    static long alive() {
        return LOADERS.stream().filter(r -> r.get() != null).count();
    }
}
