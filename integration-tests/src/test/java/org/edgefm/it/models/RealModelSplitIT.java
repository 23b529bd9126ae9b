package org.edgefm.it.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.edgefm.agent.internal.Tensors;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.it.MosquittoBroker;
import org.edgefm.it.support.AgentProcess;
import org.edgefm.it.support.MqttCallbacks;
import org.edgefm.models.image.SampleImages;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.manifest.PartRunner;
import org.edgefm.models.manifest.SequenceCache;
import org.edgefm.models.manifest.TokenChain;
import org.edgefm.wire.Ack;
import org.edgefm.wire.AckOutcome;
import org.edgefm.wire.Birth;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.HostState;
import org.edgefm.wire.HostStatus;
import org.edgefm.wire.Result;
import org.edgefm.wire.StageTiming;
import org.edgefm.wire.TaskAnswer;
import org.edgefm.wire.TaskCompletion;
import org.edgefm.wire.Topics;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.WireMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two PyTorch-made models (the models module's fixtures) cut into services on three real agent
 * processes over a real broker, a Paho client playing the host: the tiny ViT as decode/resize/normalise,
 * block 0, block 1, classifier, and the tiny Llama as embedding + block 0, block 1, lm head. Generated
 * PNGs get the label the whole model gives in this process, and greedy decoding token by token through
 * the three agents gives exactly PyTorch's reference tokens, both as one task per token carrying the
 * whole sequence and as a chain of tasks carrying one new token each, with the sequence id, through
 * the parts' key/value caches; then the agent running the middle core parts is killed mid-sequence,
 * the parts fail over to another node, the sequence is replayed once, and the answers are the same again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RealModelSplitIT {
    static final Path FIXTURES = Path.of("../models/src/test/resources/fixtures");
    static final String FLEET = "itmodels";
    static final String A = "model-a";
    static final String B = "model-b";
    static final String C = "model-c";
    static final String TASK_TYPES = """
            [{"id": "classify", "inputMb": 0.01, "deadlineMs": 30000, "stages": [
                {"id": "pre", "service": "vit-preprocess", "next": "a"}, {"id": "a", "service": "vit-a", "next": "b"},
                {"id": "b", "service": "vit-b", "next": "cls"}, {"id": "cls", "service": "vit-classifier"}]},
             {"id": "next-token", "inputMb": 0.001, "deadlineMs": 30000, "stages": [
                {"id": "a", "service": "llama-a", "next": "b"}, {"id": "b", "service": "llama-b", "next": "head"},
                {"id": "head", "service": "llama-head"}]}]""";
    static final String LLAMA_MANIFEST = """
            {"schema": 1, "name": "tiny-llama", "family": "llama", "weights": "model.safetensors", "config": "config.json",
             "wire": "fp32",
             "parts": [{"id": "llama-a", "kind": "core", "embed": true, "blocks": [0, 1]},
                       {"id": "llama-b", "kind": "core", "blocks": [1, 2]},
                       {"id": "llama-head", "kind": "light", "blocks": [2, 2], "head": true}]}""";
    static final int PROMPT_TOKENS = 5;

    @TempDir
    static Path dir;
    static MosquittoBroker broker;
    static MqttClient host;
    static final WireCodec CODEC = new WireCodec();
    static final Topics TOPICS = Topics.forFleet(FLEET);
    static final List<Map.Entry<String, byte[]>> INBOX = new CopyOnWriteArrayList<>();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Map<String, AgentProcess> AGENTS = new LinkedHashMap<>();
    static ModelManifest vit;
    static ModelManifest llama;
    static long version = 1;

    @BeforeAll
    static void start() throws Exception {
        MosquittoBroker.assumeInstalled();
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.createDirectories(models.resolve("vit"));
        Files.createDirectories(models.resolve("llama"));
        for (String f : List.of("config.json", "model.safetensors", "manifest.json")) {
            Files.copy(FIXTURES.resolve("vit").resolve(f), models.resolve("vit").resolve(f));
        }
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.copy(FIXTURES.resolve("llama").resolve(f), models.resolve("llama").resolve(f));
        }
        Files.writeString(models.resolve("llama/manifest.json"), LLAMA_MANIFEST);
        vit = ModelManifest.load(models.resolve("vit/manifest.json"));
        llama = ModelManifest.load(models.resolve("llama/manifest.json"));
        broker = MosquittoBroker.start(Files.createDirectories(dir.resolve("broker")));
        host = new MqttClient(broker.url(), "it-host-" + System.nanoTime(), new MemoryPersistence());
        host.setCallback(MqttCallbacks.onMessage((topic, m) -> INBOX.add(Map.entry(topic, m.getPayload()))));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        host.connect(o);
        host.subscribe(Topics.ALL_FLEETS_FILTER, 1);
        MqttMessage online = new MqttMessage(CODEC.encode(new HostState(WireCodec.SCHEMA, "it-host", HostStatus.ONLINE, 1,
                System.currentTimeMillis())));
        online.setQos(1);
        online.setRetained(true);
        host.publish(TOPICS.hostState(), online);
        for (String n : List.of(A, B, C)) {
            Path config = dir.resolve(n + ".json");
            Files.writeString(config, "{\"fleet\": \"" + FLEET + "\", \"calibrate\": false, \"telemetryPeriodMs\": 1000,"
                    + " \"links\": {\"probeIntervalS\": 0}, \"modelDir\": \"" + models.toAbsolutePath() + "\", \"taskTypes\": "
                    + TASK_TYPES + "}");
            AGENTS.put(n, new AgentProcess(n, config, dir, broker.url()).start());
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> List.of(A, B, C).stream().allMatch(n -> lastBirth(n) != null));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AgentProcess p : AGENTS.values()) {
            p.close();
        }
        if (host != null && host.isConnected()) {
            host.disconnect();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    @Order(1)
    void split_onThreeAgents_answersAsTheWholeModel() throws Exception {
        place(Map.of("vit-preprocess", A, "vit-a", A, "vit-b", B, "vit-classifier", C, "llama-a", A, "llama-b", B, "llama-head", C));
        List<TaskCompletion> done = classifyAll("split");
        assertThat(done.get(0).stages()).extracting(StageTiming::node).containsExactly(A, A, B, C);
        assertThat(greedy("split")).containsExactlyElementsOf(referenceTokens());
        TokenChain chain = chain("split");
        assertThat(generate(chain, "seq-split", null)).containsExactlyElementsOf(referenceTokens());
        assertThat(chain.replays()).as("every step continued the parts' caches").isZero();
        assertThat(chain.steps()).isEqualTo(referenceTokens().size());
    }

    @Test
    @Order(2)
    void afterTheMiddleNodeDies_itsCorePartsFailOverToAnother_andAnswersStayTheSame() throws Exception {
        // a generation token by token with the parts' key/value caches; after its 3rd token the node of
        // the middle part dies and the part moves to a node that never saw the sequence: that step is a
        // miss, the origin replays the sequence from token 0, and the tokens are the reference's
        TokenChain chain = chain("failover");
        List<Integer> tokens = generate(chain, "seq-failover", n -> {
            if (n == 3) {
                try {
                    AGENTS.get(B).kill9();
                    place(Map.of("vit-preprocess", A, "vit-a", A, "vit-b", C, "vit-classifier", C, "llama-a", A, "llama-b", C,
                            "llama-head", C));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        assertThat(tokens).containsExactlyElementsOf(referenceTokens());
        assertThat(chain.replays()).as("the step after the failover, and only it, was replayed").isEqualTo(1);
        assertThat(MISSES).singleElement().asString().contains("stage 'b' on node '" + C + "'")
                .contains(SequenceCache.Miss.MARK + "sequence 'seq-failover': part 'llama-b' holds no tokens of it");
        List<TaskCompletion> done = classifyAll("failover");
        assertThat(done.get(0).stages()).extracting(StageTiming::node).containsExactly(A, A, C, C);
        assertThat(greedy("failover")).containsExactlyElementsOf(referenceTokens());
    }

    /** Six generated images through the split ViT: each label equals the whole model's. */
    static List<TaskCompletion> classifyAll(String tag) throws Exception {
        List<TaskCompletion> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            byte[] png = SampleImages.png(32, 100 + i);
            TaskAnswer whole = PartRunner.monolithic(vit, png);
            TaskCompletion c = awaitCompletion(submit("classify", tag + "-img-" + i, Tensors.write(PartRunner.bytesRow(png))));
            assertThat(c.success()).as(c.error()).isTrue();
            assertThat(c.answer()).as("answer of image %d", i).isNotNull();
            assertThat(c.answer().label()).isEqualTo(whole.label());
            assertThat(c.answer().score()).isCloseTo(whole.score(), org.assertj.core.data.Offset.offset(5e-3));
            out.add(c);
        }
        return out;
    }

    /** Greedy decoding one task per token through the three agents (the whole sequence each step). */
    static List<Integer> greedy(String tag) throws Exception {
        List<Integer> seq = new ArrayList<>(prompt());
        List<Integer> generated = new ArrayList<>();
        for (int step = 0; step < referenceTokens().size(); step++) {
            float[] ids = new float[seq.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = seq.get(i);
            }
            byte[] body = Tensors.write(Nd4j.create(ids, new long[] {1, ids.length}, 'c'));
            TaskCompletion c = awaitCompletion(submit("next-token", tag + "-tok-" + step, body));
            assertThat(c.success()).as(c.error()).isTrue();
            assertThat(c.answer().label()).startsWith("token ");
            int next = Integer.parseInt(c.answer().label().substring("token ".length()));
            generated.add(next);
            seq.add(next);
        }
        return generated;
    }

    /** Failed steps that reported a key/value cache miss, their one-line errors. */
    static final List<String> MISSES = new CopyOnWriteArrayList<>();

    /**
     * The origin's loop: one task per token through the three agents, each carrying the sequence id
     * and its start (only the new token after the prompt); a step that fails with a miss is replayed.
     */
    static TokenChain chain(String tag) {
        int[] n = {0};
        return new TokenChain((sequence, start, tokens) -> {
            float[] ids = new float[tokens.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = tokens[i];
            }
            byte[] body = Tensors.write(Nd4j.create(ids, new long[] {1, ids.length}, 'c'));
            try {
                TaskCompletion c = awaitCompletion(submit("next-token", tag + "-kv-" + n[0]++, body, "&sequence=" + sequence
                        + "&start=" + start));
                if (!c.success() && SequenceCache.Miss.reports(c.error())) {
                    MISSES.add(c.error());
                    throw new SequenceCache.Miss(c.error());
                }
                assertThat(c.success()).as(c.error()).isTrue();
                assertThat(c.answer().label()).startsWith("token ");
                return Integer.parseInt(c.answer().label().substring("token ".length()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    static List<Integer> generate(TokenChain chain, String sequence, java.util.function.IntConsumer afterToken) throws IOException {
        int[] p = prompt().stream().mapToInt(Integer::intValue).toArray();
        int[] out = chain.generate(sequence, p, referenceTokens().size(), -1, afterToken);
        return java.util.Arrays.stream(out).boxed().toList();
    }

    static List<Integer> prompt() throws IOException {
        return ints("prompt");
    }

    static List<Integer> referenceTokens() throws IOException {
        return ints("greedy");
    }

    static List<Integer> ints(String key) throws IOException {
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(FIXTURES.resolve("llama/reference.json").toFile()).get(key);
        List<Integer> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asInt()));
        return out;
    }

    /** Sends every living agent its services of {@code where} with the whole routing table, and awaits the acks. */
    static void place(Map<String, String> where) throws Exception {
        version++;
        Map<String, String> stageService = new LinkedHashMap<>();
        List<Route> routes = new ArrayList<>();
        for (String[] s : new String[][] {{"classify", "pre", "vit-preprocess"}, {"classify", "a", "vit-a"}, {"classify", "b", "vit-b"},
                {"classify", "cls", "vit-classifier"}, {"next-token", "a", "llama-a"}, {"next-token", "b", "llama-b"},
                {"next-token", "head", "llama-head"}}) {
            routes.add(new Route(s[0], s[1], null, List.of(new WeightedTarget(where.get(s[2]), 1))));
            stageService.put(s[2], s[2]);
        }
        List<String> alive = AGENTS.entrySet().stream().filter(e -> e.getValue().alive()).map(Map.Entry::getKey).toList();
        Map<String, String> peers = new LinkedHashMap<>();
        for (String n : alive) {
            peers.put(n, lastBirth(n).dataEndpoint());
        }
        for (String n : alive) {
            List<DesiredService> services = new ArrayList<>();
            for (Map.Entry<String, String> e : where.entrySet()) {
                if (!e.getValue().equals(n)) {
                    continue;
                }
                String part = e.getKey();
                ModelManifest m = part.startsWith("vit") ? vit : llama;
                String file = part.startsWith("vit") ? "vit/manifest.json" : "llama/manifest.json";
                ServiceKind kind = m.part(part).kind().equals("core") ? ServiceKind.CORE : ServiceKind.LIGHT;
                services.add(new DesiredService(part, kind, 1, 1, null, 0.01, m.kernelSpec(part, PROMPT_TOKENS, file)));
            }
            Map<String, String> others = new LinkedHashMap<>(peers);
            others.remove(n);
            Directive d = new Directive(WireCodec.SCHEMA, n, 1, version, System.currentTimeMillis(), new DesiredState(services, routes, others));
            MqttMessage msg = new MqttMessage(CODEC.encode(d));
            msg.setQos(1);
            host.publish(TOPICS.directive(n), msg);
        }
        for (String n : alive) {
            await().atMost(Duration.ofSeconds(120)).until(() -> received(n, Ack.class).stream()
                    .anyMatch(a -> a.version() == version && a.outcome() == AckOutcome.APPLIED));
        }
    }

    static String submit(String taskType, String taskId, byte[] body) throws IOException, InterruptedException {
        return submit(taskType, taskId, body, "");
    }

    /** Submits a task at node A; {@code query} adds query parameters ({@code &name=value}). */
    static String submit(String taskType, String taskId, byte[] body, String query) throws IOException, InterruptedException {
        String ep = lastBirth(A).dataEndpoint();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/" + taskType + "?id=" + taskId
                + query))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return taskId;
    }

    static TaskCompletion awaitCompletion(String taskId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> completion(taskId) != null);
        return completion(taskId);
    }

    static TaskCompletion completion(String taskId) {
        for (String n : List.of(A, B, C)) {
            for (Result r : received(n, Result.class)) {
                for (TaskCompletion c : r.completions()) {
                    if (c.taskId().equals(taskId)) {
                        return c;
                    }
                }
            }
        }
        return null;
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
}
