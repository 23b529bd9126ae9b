package org.edgefm.host;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.Timer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Capabilities;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostMetrics;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmarks of the real host (not a test; it asserts nothing and is skipped unless
 * {@code -Dedgefm.bench=true}): N simulated agents (Paho v5 clients in this JVM) publish telemetry at
 * 1 Hz through the embedded broker while the control loop runs; reported are telemetry lag, step
 * time, JVM CPU, and the publish-to-ack time of directives. See broker-bridge/README.md.
 */
@EnabledIfSystemProperty(named = "edgefm.bench", matches = "true")
class HostBench {
    @TempDir
    Path dir;

    static final WireCodec CODEC = new WireCodec();

    @Test
    void run() throws Exception {
        String[] ns = System.getProperty("edgefm.bench.agents", "100,1000").split(",");
        int seconds = Integer.getInteger("edgefm.bench.seconds", 30);
        for (String n : ns) {
            bench(Integer.parseInt(n.trim()), seconds, "test-pair", 100);
        }
        bench(Integer.getInteger("edgefm.bench.ackAgents", 100), seconds, "first-fit+churn", 500);
    }

    static String scenario(int n) {
        StringBuilder nodes = new StringBuilder();
        for (int i = 0; i < n; i++) {
            nodes.append(i == 0 ? "" : ",").append("{\"id\":\"a").append(i)
                    .append("\",\"kind\":\"edge-server\",\"capacity\":{\"cpu\":8,\"ram\":16,\"gpu\":16,\"vram\":8}}");
        }
        return """
                {"schema":1,"name":"bench","topology":{"nodes":[NODES],"links":[]},
                 "services":[
                  {"id":"enc","kind":"core","demand":{"cpu":2,"ram":2,"gpu":8,"vram":2},"workloadMb":1.0,"outputMb":0.5,
                   "rate":{"type":"deterministic","rate":0.1},"costs":{"deploy":20,"maintain":4,"parallelism":0}},
                  {"id":"head","kind":"light","demand":{"cpu":0.5,"ram":0.5},"workloadMb":0.1,"outputMb":0.01,
                   "rate":{"type":"gamma","shape":2.0,"scale":0.2},"costs":{"deploy":4,"maintain":1,"parallelism":0.5}}],
                 "taskTypes":[{"id":"t","inputMb":0.5,"deadlineMs":200,
                   "stages":[{"id":"e","service":"enc","next":"h"},{"id":"h","service":"head"}]}],
                 "users":[],"workload":[]}
                """.replace("NODES", nodes);
    }

    void bench(int n, int seconds, String planner, double slotMs) throws Exception {
        Path run = Files.createDirectories(dir.resolve(planner.replace('+', '-') + "-" + n));
        Path sc = run.resolve("bench.json");
        Files.writeString(sc, scenario(n));
        int port = TestClients.freePort();
        HostConfig cfg = HostConfig.defaults().with(Map.of("brokerPort", port, "httpPort", -1, "fleet", "bench",
                "dataDir", run.resolve("data").toString(), "pluginsDir", run.resolve("plugins").toString(),
                "planner", planner, "scenario", sc.toString(), "slotMs", slotMs));
        Topics topics = Topics.forFleet("bench");
        List<MqttAsyncClient> agents = new ArrayList<>();
        ScheduledExecutorService tick = Executors.newScheduledThreadPool(2);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (PlannerHost host = new PlannerHost(cfg, getClass().getClassLoader()).start()) {
            String url = host.brokerUrl();
            long[] seq = new long[n];
            MqttAsyncClient[] slots = new MqttAsyncClient[n];
            java.util.concurrent.ExecutorService connectors = Executors.newFixedThreadPool(8);
            List<java.util.concurrent.Future<?>> connecting = new ArrayList<>();
            long c0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int k = i;
                connecting.add(connectors.submit(() -> {
                    slots[k] = agent(url, topics, "a" + k);
                    // 1 Hz each from now on, spread over the second
                    tick.scheduleAtFixedRate(() -> telemetry(slots[k], topics, "a" + k, seq[k]++),
                            (1000L * k) / n, 1000, TimeUnit.MILLISECONDS);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : connecting) {
                f.get();
            }
            connectors.shutdown();
            agents.addAll(java.util.Arrays.asList(slots));
            System.out.printf(Locale.ROOT, "BENCH %d agents connected in %.1f s%n", n, (System.nanoTime() - c0) / 1e9);
            Thread.sleep(5_000); // warm-up
            HostMeters m = host.meters();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            long lag0 = m.telemetryLagTimer().count();
            Thread.sleep(seconds * 1000L);
            double cpu = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
            System.out.printf(Locale.ROOT, "BENCH planner=%s agents=%d slotMs=%.0f seconds=%d telemetry=%d "
                            + "lag[p50=%.1f p99=%.1f max=%.1f ms] step[p50=%.2f p99=%.2f ms] decision[p99=%.3f ms] "
                            + "ack[n=%d p50=%.1f p99=%.1f ms] jvmCpu=%.2f cores (of %d) skippedSlots=%s%n",
                    planner, n, slotMs, seconds, m.telemetryLagTimer().count() - lag0,
                    m.windowQuantileMs(m.telemetryLagTimer(), 0.5), m.windowQuantileMs(m.telemetryLagTimer(), 0.99),
                    m.telemetryLagTimer().max(TimeUnit.MILLISECONDS), m.windowQuantileMs(m.stepTimer(), 0.5), m.windowQuantileMs(m.stepTimer(), 0.99),
                    m.windowQuantileMs(m.decisionTimer(), 0.99), m.ackTimer().count(), m.windowQuantileMs(m.ackTimer(), 0.5), m.windowQuantileMs(m.ackTimer(), 0.99),
                    cpu, Runtime.getRuntime().availableProcessors(), "n/a");
        } finally {
            tick.shutdownNow();
            for (MqttAsyncClient a : agents) {
                try {
                    a.disconnectForcibly(0, 100, false);
                    a.close(true);
                } catch (MqttException ignored) {
                    // teardown
                }
            }
        }
    }

    static MqttAsyncClient agent(String url, Topics topics, String node) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, "bench-" + node, new MemoryPersistence());
        c.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage msg) {
                Directive d = CODEC.decode(topic, msg.getPayload(), Directive.class);
                try {
                    c.publish(topics.ack(node), CODEC.encode(new Ack(1, node, d.plannerEpoch(), d.version(),
                            AckOutcome.APPLIED, null, System.currentTimeMillis())), 1, false);
                } catch (MqttException e) {
                    // counted as a missing ack
                }
            }

            @Override
            public void deliveryComplete(IMqttToken t) {
            }

            @Override
            public void connectComplete(boolean reconnect, String uri) {
            }

            @Override
            public void authPacketArrived(int code, MqttProperties p) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setConnectionTimeout(30);
        o.setSocketFactory(new org.edgefm.host.internal.NoDelaySocketFactory());
        c.connect(o).waitForCompletion(30_000);
        c.subscribe(topics.directive(node), 1).waitForCompletion(30_000);
        Birth b = new Birth(1, node, 1, System.currentTimeMillis(), "bench", "bench",
                new Capabilities(ResourceVector.of(8, 16, 16, 8), "amd64", "none", List.of()), 0, 0, List.of(), "");
        c.publish(topics.birth(node), CODEC.encode(b), 1, true);
        return c;
    }

    static void telemetry(MqttAsyncClient c, Topics topics, String node, long seq) {
        Telemetry t = new Telemetry(1, node, 1, seq, System.currentTimeMillis(), 0,
                new HostMetrics(0.2, List.of(), 1, 2, 0, 0, 1, 2, 0, 0, null, 1), List.of(), List.of(), List.of());
        try {
            c.publish(topics.telemetry(node), CODEC.encode(t), 0, false);
        } catch (MqttException e) {
            // a dropped QoS 0 message: shows up as a sequence gap
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
