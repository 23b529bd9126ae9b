package org.edgefm.it.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.edgefm.wire.Birth;
import org.edgefm.wire.NodeMessage;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireFormatException;
import org.edgefm.wire.WireMessage;

/**
 * A Paho v5 client that records every message on a topic filter with its arrival time, for tests
 * that watch a fleet from the broker. It reconnects by itself (a broker restart) and subscribes
 * again after every connect.
 */
public final class FleetRecorder implements AutoCloseable {
    /**
     * One received message; {@code atNanos} is {@link System#nanoTime()} at arrival, {@code decoded}
     * the validated message or null when it did not decode.
     */
    public record Received(String topic, byte[] payload, long atNanos, WireMessage decoded) {
    }

    /** A decoded message with its arrival time. */
    public record Timed<T>(T message, long atNanos) {
    }

    private final WireCodec codec = new WireCodec();
    private final List<Received> inbox = new CopyOnWriteArrayList<>();
    /** Replaced by the watchdog when Paho's automatic reconnect hangs (as the host's MqttFleet does). */
    private volatile MqttAsyncClient client;
    private final String filter;
    private final String url;
    private final String clientId;
    private final MqttConnectionOptions options = new MqttConnectionOptions();
    private final java.util.concurrent.ScheduledExecutorService watchdog =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "it-recorder-watchdog");
                t.setDaemon(true);
                return t;
            });
    private volatile long downSinceNanos = -1;
    /** A reconnect not done after this long (automatic reconnect's 2 s cap, several times over) is stuck. */
    private static final long STUCK_NANOS = 8_000_000_000L;

    /**
     * Connects and subscribes at QoS 1.
     *
     * @param url      broker URL
     * @param user     user name, or null for an anonymous broker
     * @param password its password, or null
     * @param filter   topic filter, e.g. {@link Topics#ALL_FLEETS_FILTER}
     */
    public FleetRecorder(String url, String user, String password, String filter) throws MqttException {
        this(url, null, user, password, filter);
    }

    /**
     * Connects with a given client id (a node's account must use its node's client id,
     * {@link Topics#agentClientId}) and subscribes at QoS 1.
     */
    public FleetRecorder(String url, String clientId, String user, String password, String filter) throws MqttException {
        this.filter = filter;
        this.url = url;
        this.clientId = clientId;
        client = newClient();
        MqttConnectionOptions o = options;
        o.setCleanStart(true);
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 2);
        o.setConnectionTimeout(10);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(o).waitForCompletion(15_000);
        watchdog.scheduleWithFixedDelay(this::replaceIfStuck, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
    }

    private MqttAsyncClient newClient() throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, clientId != null ? clientId : "it-recorder-" + System.nanoTime(),
                new MemoryPersistence());
        c.setCallback(MqttCallbacks.onMessage(
                (topic, m) -> inbox.add(new Received(topic, m.getPayload(), System.nanoTime(), decode(topic, m.getPayload()))),
                this::subscribe));
        return c;
    }

    /** Replaces a client that has been disconnected for {@link #STUCK_NANOS} (Paho 1.2.5's reconnect can hang). */
    private void replaceIfStuck() {
        MqttAsyncClient old = client;
        if (old.isConnected()) {
            downSinceNanos = -1;
            return;
        }
        long now = System.nanoTime();
        if (downSinceNanos < 0) {
            downSinceNanos = now;
            return;
        }
        if (now - downSinceNanos < STUCK_NANOS) {
            return;
        }
        downSinceNanos = now;
        try {
            old.disconnectForcibly(0, 1, false);
        } catch (MqttException | RuntimeException ignored) {
            // the old client is being dropped either way
        }
        try {
            old.close(true);
        } catch (MqttException | RuntimeException ignored) {
            // as above
        }
        try {
            MqttAsyncClient fresh = newClient();
            client = fresh;
            fresh.connect(options);
        } catch (MqttException e) {
            // the broker is still away: the next round tries again
        }
    }

    /** An anonymous recorder of every fleet. */
    public static FleetRecorder anonymous(String url) throws MqttException {
        return new FleetRecorder(url, null, null, Topics.ALL_FLEETS_FILTER);
    }

    private WireMessage decode(String topic, byte[] payload) {
        try {
            return codec.decode(topic, payload);
        } catch (WireFormatException notValid) {
            return null; // recorded, not decodable: tests that send garbage look at all()
        }
    }

    private void subscribe() {
        try {
            client.subscribe(filter, 1);
        } catch (MqttException e) {
            throw new IllegalStateException("subscribe " + filter + ": " + e.getMessage(), e);
        }
    }

    /** True while connected. */
    public boolean connected() {
        return client.isConnected();
    }

    /** Everything received so far. */
    public List<Received> all() {
        return List.copyOf(inbox);
    }

    /** The messages of one type from one node, decoded, with arrival times; undecodable ones are skipped. */
    public <T extends WireMessage> List<Timed<T>> timed(String node, Class<T> type) {
        List<Timed<T>> out = new ArrayList<>();
        for (Received r : inbox) {
            if (type.isInstance(r.decoded()) && (node == null || r.decoded() instanceof NodeMessage n && node.equals(n.nodeId()))) {
                out.add(new Timed<>(type.cast(r.decoded()), r.atNanos()));
            }
        }
        return out;
    }

    /** The messages of one type from one node (null: any node), decoded. */
    public <T extends WireMessage> List<T> received(String node, Class<T> type) {
        return timed(node, type).stream().map(Timed::message).toList();
    }

    /** The newest birth of a node, or null. */
    public Birth lastBirth(String node) {
        List<Birth> b = received(node, Birth.class);
        return b.isEmpty() ? null : b.get(b.size() - 1);
    }

    /** Waits for a message of the type from the node that matches, and returns the first such. */
    public <T extends WireMessage> Timed<T> await(String node, Class<T> type, Predicate<T> match, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> timed(node, type).stream().anyMatch(t -> match.test(t.message())));
        return timed(node, type).stream().filter(t -> match.test(t.message())).findFirst().orElseThrow();
    }

    /** Publishes retained at QoS 1 and waits for the broker's acknowledgement. */
    public void publishRetained(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        m.setRetained(true);
        client.publish(topic, m).waitForCompletion(10_000);
    }

    /** Publishes at QoS 1 and waits for the broker's acknowledgement. */
    public void publish(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        client.publish(topic, m).waitForCompletion(10_000);
    }

    /**
     * Publishes every payload at QoS 1 with up to {@code window} unacknowledged at a time (one round
     * trip each would take minutes for ten thousand on a loaded machine), and waits for all the
     * broker's acknowledgements; the first failure is thrown.
     */
    public void publishAll(String topic, List<byte[]> payloads, int window) throws Exception {
        Semaphore free = new Semaphore(window);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        MqttActionListener release = new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken t) {
                free.release();
            }

            @Override
            public void onFailure(IMqttToken t, Throwable e) {
                failure.compareAndSet(null, e);
                free.release();
            }
        };
        for (byte[] p : payloads) {
            if (!free.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("publish to " + topic + ": no acknowledgement for 30 s");
            }
            MqttMessage m = new MqttMessage(p);
            m.setQos(1);
            client.publish(topic, m, null, release);
        }
        if (!free.tryAcquire(window, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("publish to " + topic + ": acknowledgements missing after 60 s");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("publish to " + topic + ": " + failure.get(), failure.get());
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2_000);
            }
        } catch (MqttException ignored) {
            // teardown
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // teardown
        }
    }
}
