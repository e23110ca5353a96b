package dev.realtime.internal.metrics;

import dev.realtime.ErrorCode;
import dev.realtime.internal.Session;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Registers one web application's MBeans in the platform MBean server: {@code type=Realtime} and one
 * {@code type=Transport} per transport, under {@code dev.realtime:context=<context path>}. The
 * MBeans hold the application's classes, so {@link #unregister} must run at undeploy.
 */
final class MetricsMBeans {
    static final String DOMAIN = "dev.realtime";
    private static final System.Logger LOG = System.getLogger(MetricsMBeans.class.getName());

    private MetricsMBeans() {
    }

    /**
     * Registers the set; when another application of the same context path already did (two servers
     * in one JVM), the names get {@code instance=2}, 3, ...
     */
    static List<ObjectName> register(Metrics metrics, String context) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (int instance = 1; instance < 100; instance++) {
            String prefix = DOMAIN + ":context=" + quoteIfNeeded(context) + (instance == 1 ? "" : ",instance=" + instance);
            List<ObjectName> done = new ArrayList<>();
            try {
                register(server, done, new ObjectName(prefix + ",type=Realtime"),
                        new StandardMBean(application(metrics), ApplicationMXBean.class, true));
                for (Transport t : Transport.NETWORK) {
                    register(server, done, new ObjectName(prefix + ",type=Transport,name=" + t.tag()),
                            new StandardMBean(transport(metrics, t), TransportMXBean.class, true));
                }
                return done;
            } catch (InstanceAlreadyExistsException e) {
                unregister(done);
            } catch (JMException | RuntimeException e) {
                unregister(done);
                LOG.log(System.Logger.Level.WARNING, "realtime's MBeans could not be registered: " + e);
                return List.of();
            }
        }
        return List.of();
    }

    private static void register(MBeanServer server, List<ObjectName> done, ObjectName name, Object bean) throws JMException {
        server.registerMBean(bean, name);
        done.add(name);
    }

    static void unregister(List<ObjectName> names) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : names) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.log(System.Logger.Level.DEBUG, "MBean " + name + " was already unregistered");
            }
        }
    }

    private static String quoteIfNeeded(String value) {
        return value.matches("[^,=:\"*?\\\\\\n]+") ? value : ObjectName.quote(value);
    }

    private static TransportMXBean transport(Metrics m, Transport t) {
        return new TransportMXBean() {
            @Override
            public long getConnections() {
                return m.connections(t);
            }

            @Override
            public long getMessagesDelivered() {
                return m.delivered(t);
            }

            @Override
            public long getBytesWritten() {
                return m.bytesWritten(t);
            }

            @Override
            public long getGaps() {
                return m.gaps(t);
            }

            @Override
            public double getDeliveryLagP50Millis() {
                return m.lag(t).percentile(0.5);
            }

            @Override
            public double getDeliveryLagP99Millis() {
                return m.lag(t).percentile(0.99);
            }

            @Override
            public long getDeliveryLagCount() {
                return m.lag(t).count();
            }
        };
    }

    private static ApplicationMXBean application(Metrics m) {
        return new ApplicationMXBean() {
            @Override
            public long getConnections() {
                long n = 0;
                for (Transport t : Transport.NETWORK) {
                    n += m.connections(t);
                }
                return n;
            }

            @Override
            public long getSubscriptions() {
                return m.subscriptions().subscriptions();
            }

            @Override
            public long getChannels() {
                return m.subscriptions().channels();
            }

            @Override
            public Map<String, Long> getMessagesPublished() {
                Map<String, Long> out = new LinkedHashMap<>();
                for (Origin o : Origin.values()) {
                    out.put(o.tag(), m.publishedCount(o));
                }
                return out;
            }

            @Override
            public Map<String, Long> getDisconnects() {
                Map<String, Long> out = new LinkedHashMap<>();
                for (Session.CloseCause c : Session.CloseCause.values()) {
                    out.put(c.name().toLowerCase(Locale.ROOT), m.disconnects(c));
                }
                return out;
            }

            @Override
            public long getQueueDropped() {
                return m.droppedOldestCount();
            }

            @Override
            public Map<String, Long> getRefusals() {
                Map<String, Long> out = new LinkedHashMap<>();
                for (ErrorCode c : ErrorCode.values()) {
                    long n = m.refusals(c);
                    if (n > 0) {
                        out.put(c.code(), n);
                    }
                }
                return out;
            }

            @Override
            public double getBusPublishP50Millis() {
                return m.busPublish().percentile(0.5) / 1000.0;
            }

            @Override
            public double getBusPublishP99Millis() {
                return m.busPublish().percentile(0.99) / 1000.0;
            }
        };
    }
}
