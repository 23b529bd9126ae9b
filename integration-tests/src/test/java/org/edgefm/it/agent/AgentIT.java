package org.edgefm.it.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Command;
import org.edgefm.wire.CommandKind;
import org.edgefm.wire.Death;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostState;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.HostStatus;
import org.edgefm.wire.Result;
import org.edgefm.wire.StageTiming;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Telemetry;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireMessage;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.AgentProcess;
import org.edgefm.it.support.MqttCallbacks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real agent processes against a real Mosquitto broker, observed by a Paho client playing the
 * host and by Mosquitto's own {@code mosquitto_sub}/{@code mosquitto_pub}: birth, telemetry,
 * directives acknowledged after persistence, a task through services on two agents (a chain and a
 * fusion in-tree), malformed and impossible directives refused with the agent staying up,
 * {@code kill -9} and restart restoring the services, results kept while the broker is away and
 * sent once after it returns, and a clean stop's death. The steps share the two agents, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentIT {
    private static final String FLEET = "itfleet";
    private static final String A = "agent-a";
    private static final String B = "agent-b";
    private static final String TASK_TYPES = """
            [{"id": "t1", "inputMb": 0.1, "deadlineMs": 10000, "stages": [{"id": "solo", "service": "patch"}]},
             {"id": "t2", "inputMb": 0.1, "deadlineMs": 10000, "stages": [
                {"id": "embed", "service": "patch", "next": "head"}, {"id": "head", "service": "cls"}]},
             {"id": "t3", "inputMb": 0.1, "deadlineMs": 10000, "stages": [
                {"id": "img", "service": "patch", "next": "fuse"}, {"id": "txt", "service": "tok", "next": "fuse"},
                {"id": "fuse", "service": "fusion"}]}]""";

    @TempDir
    static Path dir;

    static MosquittoBroker broker;
    static final WireCodec CODEC = new WireCodec();
    static final Topics TOPICS = Topics.forFleet(FLEET);
    static final List<Map.Entry<String, byte[]>> INBOX = new CopyOnWriteArrayList<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static MqttClient host;
    static AgentProcess agentA;
    static AgentProcess agentB;
    static String endpointB;

    @BeforeAll
    static void startBrokerAndAgents() throws Exception {
        MosquittoBroker.assumeInstalled();
        broker = MosquittoBroker.start(Files.createDirectories(dir.resolve("broker")));
        host = hostClient();
        Path configA = dir.resolve("a.json");
        Files.writeString(configA, "{\"fleet\": \"" + FLEET + "\", \"calibrate\": false, \"telemetryPeriodMs\": 500,"
                + " \"reconnectMinMs\": 1000, \"reconnectMaxMs\": 2000, \"taskTypes\": " + TASK_TYPES + "}");
        Path configB = dir.resolve("b.json");
        // B delays what it sends on the data plane by 40 ms, its answers to A included
        Files.writeString(configB, "{\"fleet\": \"" + FLEET + "\", \"calibrate\": true, \"telemetryPeriodMs\": 500,"
                + " \"impairment\": {\"delayMs\": 40}, \"taskTypes\": " + TASK_TYPES + "}");
        agentA = new AgentProcess(A, configA, dir, broker.url()).start();
        agentB = new AgentProcess(B, configB, dir, broker.url()).start();
    }

    @AfterAll
    static void stopAll() throws Exception {
        for (AgentProcess p : new AgentProcess[] {agentA, agentB}) {
            if (p != null) {
                p.close();
            }
        }
        if (host != null && host.isConnected()) {
            host.disconnect();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    static MqttClient hostClient() throws MqttException {
        MqttClient c = new MqttClient(broker.url(), "it-host-" + System.nanoTime(), new MemoryPersistence());
        c.setCallback(MqttCallbacks.onMessage((topic, m) -> INBOX.add(Map.entry(topic, m.getPayload()))));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        c.connect(o);
        c.subscribe(Topics.ALL_FLEETS_FILTER, 1);
        // agents publish their stored results only while a host says it is online
        MqttMessage online = new MqttMessage(CODEC.encode(new HostState(WireCodec.SCHEMA, "it-host", HostStatus.ONLINE, 1,
                System.currentTimeMillis())));
        online.setQos(1);
        online.setRetained(true);
        c.publish(TOPICS.hostState(), online);
        return c;
    }

    static <T extends WireMessage> List<T> received(String node, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> m : INBOX) {
            Topics.ParsedTopic t = Topics.parse(m.getKey());
            if (node.equals(t.nodeId()) && type == t.type().messageClass()) {
                out.add(type.cast(CODEC.decode(m.getKey(), m.getValue())));
            }
        }
        return out;
    }

    static Birth lastBirth(String node) {
        List<Birth> b = received(node, Birth.class);
        return b.isEmpty() ? null : b.get(b.size() - 1);
    }

    static void publish(String topic, byte[] payload) throws MqttException {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        host.publish(topic, m);
    }

    static Ack awaitAck(String node, long version, AckOutcome outcome) {
        await().atMost(Duration.ofSeconds(60)).until(() -> received(node, Ack.class).stream()
                .anyMatch(a -> a.version() == version && a.outcome() == outcome));
        return received(node, Ack.class).stream().filter(a -> a.version() == version && a.outcome() == outcome)
                .reduce((x, y) -> y).orElseThrow();
    }

    static String submit(String taskType, String taskId) throws IOException, InterruptedException {
        String ep = lastBirth(A).dataEndpoint();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/" + taskType + "?id=" + taskId))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).contains("\"taskId\":\"" + taskId + "\"");
        return taskId;
    }

    static List<TaskCompletion> completions(String taskId) {
        List<TaskCompletion> out = new ArrayList<>();
        for (String n : List.of(A, B)) {
            for (Result r : received(n, Result.class)) {
                r.completions().stream().filter(c -> c.taskId().equals(taskId)).forEach(out::add);
            }
        }
        return out;
    }

    static TaskCompletion awaitCompletion(String taskId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !completions(taskId).isEmpty());
        return completions(taskId).get(0);
    }

    static Directive directiveA(long version) {
        KernelSpec patch = new KernelSpec("patchify", Map.of("image", 32, "patch", 8, "channels", 3, "hidden", 64), null);
        List<Route> routes = List.of(
                new Route("t2", "embed", null, List.of(new WeightedTarget(A, 1))),
                new Route("t2", "head", null, List.of(new WeightedTarget(B, 1))),
                new Route("t3", "img", null, List.of(new WeightedTarget(A, 1))),
                new Route("t3", "txt", null, List.of(new WeightedTarget(A, 1))),
                new Route("t3", "fuse", null, List.of(new WeightedTarget(B, 1))));
        return new Directive(WireCodec.SCHEMA, A, 1, version, System.currentTimeMillis(), new DesiredState(List.of(
                new DesiredService("patch", ServiceKind.LIGHT, 1, 2, null, 0.05, patch),
                new DesiredService("tok", ServiceKind.LIGHT, 1, 1, null, 0.01, null)), routes, Map.of(B, endpointB)));
    }

    static Directive directiveB(long version) {
        return new Directive(WireCodec.SCHEMA, B, 1, version, System.currentTimeMillis(), new DesiredState(List.of(
                new DesiredService("cls", ServiceKind.LIGHT, 1, 2, null, 0.02,
                        new KernelSpec("head", Map.of("in", 64, "out", 10, "tokens", 16), null)),
                new DesiredService("fusion", ServiceKind.CORE, 1, 1, null, 0.02,
                        new KernelSpec("fusion", Map.of("tokens", 16, "in", 64, "hidden", 128, "out", 64), null))),
                List.of(), Map.of()));
    }

    @Test
    @Order(1)
    void births_areRetainedAndCarryProfileEpochAndEndpoint() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> lastBirth(A) != null && lastBirth(B) != null);
        Birth a = lastBirth(A);
        System.out.printf("start-to-birth (process start to birth received): %d ms%n",
                (System.nanoTime() - agentA.startedNanos()) / 1_000_000);
        assertThat(a.profile()).isEqualTo("generic-cpu");
        assertThat(a.sessionEpoch()).isPositive();
        assertThat(a.appliedVersion()).isZero();
        assertThat(a.capabilities().kernels()).contains("transformer-encoder", "patchify", "fusion", "head");
        assertThat(a.dataEndpoint()).matches("127\\.0\\.0\\.1:\\d+");
        endpointB = lastBirth(B).dataEndpoint();

        // from outside: a late mosquitto_sub gets the retained birth
        Path sub = Path.of("/usr/bin/mosquitto_sub");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(sub), "mosquitto_sub not installed");
        Process p = new ProcessBuilder(sub.toString(), "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
                "-t", TOPICS.birth(A), "-C", "1", "-W", "10").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
        Birth viaSub = CODEC.decode(TOPICS.birth(A), out.strip().getBytes(StandardCharsets.UTF_8), Birth.class);
        assertThat(viaSub.sessionEpoch()).isEqualTo(a.sessionEpoch());
    }

    @Test
    @Order(2)
    void telemetry_everyPeriod_withConsecutiveSequenceAndPlausibleValues() {
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Telemetry.class).size() >= 3);
        List<Telemetry> t = received(A, Telemetry.class);
        long epoch = lastBirth(A).sessionEpoch();
        for (int i = 1; i < t.size(); i++) {
            assertThat(t.get(i).seq()).isEqualTo(t.get(i - 1).seq() + 1);
            assertThat(t.get(i).timestampMs()).isGreaterThanOrEqualTo(t.get(i - 1).timestampMs());
        }
        Telemetry last = t.get(t.size() - 1);
        assertThat(last.sessionEpoch()).isEqualTo(epoch);
        assertThat(last.host().memTotalBytes()).isGreaterThan(last.host().memUsedBytes()).isPositive();
        assertThat(last.host().cpuLoadPerCore()).hasSize(Runtime.getRuntime().availableProcessors());
        assertThat(last.host().diskTotalBytes()).isPositive();
        assertThat(last.host().uptimeS()).isGreaterThanOrEqualTo(t.get(0).host().uptimeS());
        assertThat(last.gpus()).isEmpty(); // generic-cpu: no GPU probe
    }

    @Test
    @Order(3)
    void directives_areAppliedAndAcknowledged_servicesShowInTelemetry() throws Exception {
        publish(TOPICS.directive(A), CODEC.encode(directiveA(1)));
        publish(TOPICS.directive(B), CODEC.encode(directiveB(1)));
        Ack ackA = awaitAck(A, 1, AckOutcome.APPLIED);
        assertThat(ackA.error()).isNull();
        // the ack says what the directive started: patch with its measured (generated-weights) preload, tok without a kernel
        assertThat(ackA.started()).extracting(InstanceStart::service).containsExactly("patch", "tok");
        assertThat(ackA.started().get(0).weights()).isEqualTo(InstanceStart.GENERATED);
        assertThat(ackA.started().get(0).preloadMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
        assertThat(ackA.started().get(1).preloadMs()).isNull();
        assertThat(ackA.stopped()).isEmpty();
        awaitAck(B, 1, AckOutcome.APPLIED);
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Telemetry.class).stream()
                .anyMatch(x -> x.appliedVersion() == 1 && x.services().stream().anyMatch(s -> s.service().equals("patch")
                        && s.instances() == 1 && s.parallelism() == 2 && s.preloadMs().size() == 1)));
        // a re-delivery of the version in force is acknowledged again, not re-applied: nothing started
        publish(TOPICS.directive(A), CODEC.encode(directiveA(1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Ack.class).stream()
                .filter(a -> a.version() == 1 && a.outcome() == AckOutcome.APPLIED).count() == 2);
        assertThat(received(A, Ack.class).stream().filter(a -> a.version() == 1 && a.outcome() == AckOutcome.APPLIED)
                .filter(a -> a.started().isEmpty()).count()).isEqualTo(1);
    }

    @Test
    @Order(4)
    void task_throughTwoServicesOnTwoAgents_completesWithStageTimestamps() throws Exception {
        TaskCompletion c = awaitCompletion(submit("t2", "task-chain-1"));
        assertThat(c.success()).as(c.error()).isTrue();
        assertThat(c.origin()).isEqualTo(A);
        assertThat(c.stages()).extracting(StageTiming::stage).containsExactly("embed", "head");
        assertThat(c.stages()).extracting(StageTiming::node).containsExactly(A, B);
        StageTiming embed = c.stages().get(0);
        StageTiming head = c.stages().get(1);
        assertThat(embed.startMs()).isGreaterThanOrEqualTo(c.submittedAtMs());
        assertThat(head.startMs()).isGreaterThanOrEqualTo(embed.endMs());
        assertThat(c.completedAtMs()).isEqualTo(head.endMs());
        assertThat(received(B, Result.class)).anyMatch(r -> r.completions().contains(c)); // the sink's node reports it

        String ep = lastBirth(A).dataEndpoint();
        HttpResponse<String> unknown = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/nope"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("unknown task type 'nope' (known: t1, t2, t3)");
        HttpResponse<String> badTensor = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/t1"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3})).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(badTensor.statusCode()).isEqualTo(400);
        assertThat(badTensor.body()).contains("at least an 8-byte header");
    }

    @Test
    @Order(5)
    void fusionStage_waitsForBothParents() throws Exception {
        TaskCompletion c = awaitCompletion(submit("t3", "task-fusion-1"));
        assertThat(c.success()).as(c.error()).isTrue();
        assertThat(c.stages()).extracting(StageTiming::stage).containsExactlyInAnyOrder("img", "txt", "fuse");
        StageTiming fuse = c.stages().stream().filter(s -> s.stage().equals("fuse")).findFirst().orElseThrow();
        assertThat(fuse.node()).isEqualTo(B);
        for (StageTiming parent : c.stages()) {
            if (!parent.stage().equals("fuse")) {
                assertThat(fuse.startMs()).isGreaterThanOrEqualTo(parent.endMs());
            }
        }
        // the forwarding node reports its measured link to the peer, with B's imposed 40 ms in every round trip
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Telemetry.class).stream()
                .anyMatch(t -> t.peers().stream().anyMatch(p -> p.peer().equals(B) && p.rttMs() != null)));
        assertThat(received(A, Telemetry.class).stream().flatMap(t -> t.peers().stream())
                .filter(p -> p.peer().equals(B) && p.rttMs() != null)).allMatch(p -> p.rttMs() >= 40 && p.samples() > 0);
    }

    @Test
    @Order(6)
    void rebirthAndCalibrateCommands_publishNewBirthsOnTheSameSession() throws Exception {
        Birth before = lastBirth(A);
        int births = received(A, Birth.class).size();
        publish(TOPICS.command(A), CODEC.encode(new Command(WireCodec.SCHEMA, A, CommandKind.REBIRTH, "r-1", 1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Birth.class).size() > births);
        assertThat(lastBirth(A).sessionEpoch()).isEqualTo(before.sessionEpoch());
        assertThat(before.calibration()).isEmpty(); // agent A does not calibrate at start
        publish(TOPICS.command(A), CODEC.encode(new Command(WireCodec.SCHEMA, A, CommandKind.CALIBRATE, "c-1", 1)));
        await().atMost(Duration.ofSeconds(60)).until(() -> lastBirth(A).calibration().size() == 4);
        assertThat(lastBirth(A).calibration()).extracting(k -> k.kernel())
                .containsExactly("transformer-encoder", "patchify", "fusion", "head");
    }

    @Test
    @Order(7)
    void malformedImpossibleAndStaleDirectives_getTheirAcks_andTheAgentStaysUp() throws Exception {
        // not JSON, published with Mosquitto's own client
        Path pub = Path.of("/usr/bin/mosquitto_pub");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(pub), "mosquitto_pub not installed");
        Process p = new ProcessBuilder(pub.toString(), "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-q", "1",
                "-t", TOPICS.directive(A), "-m", "{not json").redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Ack.class).stream()
                .anyMatch(a -> a.outcome() == AckOutcome.REJECTED && a.error().startsWith("payload:")));

        String badField = "{\"schema\":1,\"nodeId\":\"" + A + "\",\"plannerEpoch\":1,\"version\":5,\"issuedAtMs\":1,"
                + "\"desired\":{\"services\":[{\"service\":\"x\",\"kind\":\"light\",\"instances\":0,\"parallelism\":1,"
                + "\"workloadMb\":1}],\"routing\":[],\"peers\":{}}}";
        publish(TOPICS.directive(A), badField.getBytes(StandardCharsets.UTF_8));
        assertThat(awaitAck(A, 5, AckOutcome.REJECTED).error()).contains("instances");

        Directive impossible = new Directive(WireCodec.SCHEMA, A, 1, 6, 1, new DesiredState(List.of(
                new DesiredService("conv", ServiceKind.CORE, 1, 1, null, 1, new KernelSpec("convnet", Map.of(), null))),
                List.of(), Map.of()));
        publish(TOPICS.directive(A), CODEC.encode(impossible));
        assertThat(awaitAck(A, 6, AckOutcome.REJECTED).error()).contains("unknown kernel kind 'convnet'");

        Directive huge = new Directive(WireCodec.SCHEMA, A, 1, 7, 1, new DesiredState(List.of(
                new DesiredService("big", ServiceKind.CORE, 64, 1, null, 1, new KernelSpec("transformer-encoder",
                        Map.of("layers", 48, "hidden", 4096, "heads", 32, "tokens", 512), null))), List.of(), Map.of()));
        publish(TOPICS.directive(A), CODEC.encode(huge));
        assertThat(awaitAck(A, 7, AckOutcome.REJECTED).error()).startsWith("impossible: the services need");

        Directive noWeights = new Directive(WireCodec.SCHEMA, A, 1, 8, 1, new DesiredState(List.of(
                new DesiredService("w", ServiceKind.LIGHT, 1, 1, null, 1, new KernelSpec("head", Map.of("in", 4, "out", 2),
                        "missing.npy"))), List.of(), Map.of()));
        publish(TOPICS.directive(A), CODEC.encode(noWeights));
        assertThat(awaitAck(A, 8, AckOutcome.REJECTED).error()).startsWith("services.w.kernel: kernel 'head': weights file ")
                .contains("missing.npy is not readable").doesNotContain("\n");

        Directive stale = new Directive(WireCodec.SCHEMA, A, 0, 9, 1, DesiredState.EMPTY);
        publish(TOPICS.directive(A), CODEC.encode(stale));
        awaitAck(A, 9, AckOutcome.STALE);

        // still up, still running v1
        long seqNow = received(A, Telemetry.class).stream().mapToLong(Telemetry::seq).max().orElse(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Telemetry.class).stream()
                .anyMatch(t -> t.seq() > seqNow + 1 && t.appliedVersion() == 1));
        assertThat(agentA.alive()).isTrue();
        assertThat(agentA.log()).contains("refused directive").doesNotContain("Exception in thread");
    }

    @Test
    @Order(8)
    void kill9_thenRestart_restoresTheServicesWithoutANewDirective() throws Exception {
        Birth before = lastBirth(A);
        agentA.kill9();
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Death.class).stream()
                .anyMatch(d -> d.sessionEpoch() == before.sessionEpoch() && "will".equals(d.reason())));
        int birthsBefore = received(A, Birth.class).size();
        agentA.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> received(A, Birth.class).size() > birthsBefore);
        Birth after = lastBirth(A);
        assertThat(after.sessionEpoch()).isGreaterThan(before.sessionEpoch());
        assertThat(after.appliedVersion()).isEqualTo(1);
        assertThat(after.plannerEpoch()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Telemetry.class).stream()
                .anyMatch(t -> t.sessionEpoch() == after.sessionEpoch() && t.services().stream()
                        .map(s -> s.service()).toList().containsAll(List.of("patch", "tok"))));
        TaskCompletion c = awaitCompletion(submit("t2", "task-after-restart"));
        assertThat(c.success()).as(c.error()).isTrue();
    }

    @Test
    @Order(9)
    void results_whileTheBrokerIsAway_areSentOnceAfterReconnect() throws Exception {
        String ep = lastBirth(A).dataEndpoint();
        host.disconnect();
        host.close();
        broker.stop();
        await().atMost(Duration.ofSeconds(30)).until(() -> agentA.log().contains("lost the broker connection"));
        List<String> ids = List.of("offline-1", "offline-2", "offline-3");
        for (String id : ids) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/t1?id=" + id))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> agentA.log().contains("task offline-3")
                || countMatches(agentA.log(), "reconnecting in") >= 2);
        broker.restart();
        host = hostClient();
        await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> !completions(id).isEmpty()));
        // wait two more telemetry messages of the new session: any duplicate flush would be out by then
        long epoch = lastBirth(A).sessionEpoch();
        long seqNow = received(A, Telemetry.class).stream().filter(t -> t.sessionEpoch() == epoch)
                .mapToLong(Telemetry::seq).max().orElse(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> received(A, Telemetry.class).stream()
                .anyMatch(t -> t.sessionEpoch() == epoch && t.seq() >= seqNow + 2));
        for (String id : ids) {
            assertThat(completions(id)).as(id).hasSize(1);
            assertThat(completions(id).get(0).success()).isTrue();
        }
        assertThat(agentA.log()).contains("sending 3 stored result(s)");
    }

    @Test
    @Order(10)
    void calibrationAtStart_isPublishedInABirth_andCleanStopPublishesTheDeath() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> received(B, Birth.class).stream()
                .anyMatch(b -> b.calibration().size() == 4));
        Birth calibrated = received(B, Birth.class).stream().filter(b -> b.calibration().size() == 4).findFirst().orElseThrow();
        assertThat(calibrated.calibration()).allSatisfy(k -> assertThat(k.gflops()).isPositive());
        long epoch = lastBirth(B).sessionEpoch();
        assertThat(agentB.stop()).isNotNull();
        await().atMost(Duration.ofSeconds(30)).until(() -> received(B, Death.class).stream()
                .anyMatch(d -> d.sessionEpoch() == epoch && "shutdown".equals(d.reason())));
    }

    private static int countMatches(String s, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
