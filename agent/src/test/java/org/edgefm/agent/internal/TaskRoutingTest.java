package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.edgefm.agent.kernel.DecodeStep;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.Directive;
import org.edgefm.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The choice among a route's targets: by task id, or for the steps of a generation by their sequence id. */
class TaskRoutingTest {
    private static final TaskType DECODE = new TaskType("decode", 0.01, 1000, List.of(new Stage("a", "part-a", "b"),
            new Stage("b", "part-b", null)));

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private AgentContext ctx;
    private TaskRouting routing;

    @BeforeEach
    void start() {
        AgentConfig config = AgentConfig.defaults().withOverrides(null, "n1", null, "generic-cpu", dir.toString(), 0);
        DeviceProfile profile = ProfileCatalog.builtIn().get("generic-cpu");
        ctx = new AgentContext(config, profile, profile.capacity(), AgentStore.open(dir), new ServiceRuntime(vertx, dir),
                Map.of(DECODE.id(), DECODE));
        List<WeightedTarget> three = List.of(new WeightedTarget("n1", 1), new WeightedTarget("n2", 1), new WeightedTarget("n3", 1));
        ctx.applied(new Directive(WireCodec.SCHEMA, "n1", 1, 1, 1, new DesiredState(List.of(),
                List.of(new Route("decode", "a", null, three), new Route("decode", "b", null, three)),
                Map.of("n2", "127.0.0.1:1", "n3", "127.0.0.1:2"))));
        routing = new TaskRouting(ctx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ctx.store().close();
    }

    private String route(String taskId, DecodeStep step, String stage) {
        return routing.route(new TaskVerticle.Header(taskId, DECODE, "n1", 0, stage, null, List.of(), null, null, step));
    }

    @Test
    void everyStepOfASequence_reachesTheSameNodeOfEachStage_whileSequencesSpreadOverTheRoute() {
        Set<String> firstNodes = new HashSet<>();
        for (int s = 0; s < 24; s++) {
            String seq = "gen-" + s;
            String a = route("task-" + s + "-0", new DecodeStep(seq, 0), "a");
            String b = route("task-" + s + "-0", new DecodeStep(seq, 0), "b");
            for (int t = 1; t < 10; t++) {
                DecodeStep step = new DecodeStep(seq, 5 + t);
                assertThat(route("task-" + s + "-" + t, step, "a")).as("%s token %d, stage a", seq, t).isEqualTo(a);
                assertThat(route("task-" + s + "-" + t, step, "b")).as("%s token %d, stage b", seq, t).isEqualTo(b);
            }
            firstNodes.add(a);
        }
        assertThat(firstNodes).as("sequences share the route by its weights").hasSizeGreaterThan(1);
        // tasks that are no steps go where their own ids send them: the ten tasks of one prompt spread
        Set<String> plain = new HashSet<>();
        for (int t = 0; t < 10; t++) {
            plain.add(route("plain-" + t, null, "a"));
        }
        assertThat(plain).hasSizeGreaterThan(1);
    }

    @Test
    void aSubmissionsStep_needsBothSequenceAndStart_andSaysWhatIsWrong() {
        assertThat(DecodeStep.fromQuery(null, null)).isNull();
        assertThat(DecodeStep.fromQuery("g", "7")).isEqualTo(new DecodeStep("g", 7));
        assertThatThrownBy(() -> DecodeStep.fromQuery(null, "3")).isInstanceOf(EdgeFmException.class)
                .hasMessage("start: given without sequence (expected: both, or neither)");
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", null)).hasMessageContaining("sequence 'g': no start");
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", "x")).hasMessage("start: 'x' (expected: an integer >= 0)");
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", "-1")).hasMessageContaining("start: -1 (expected: >= 0");
        assertThatThrownBy(() -> DecodeStep.fromQuery("x".repeat(129), "0")).hasMessage("sequence: 129 characters (expected: 1 to 128 characters, not blank)");
    }

    @Test
    void aSubmissionsSampling_topKTemperatureSeed_isParsedOrRefusedInOneLine() {
        assertThat(DecodeStep.fromQuery("g", "7", "5", "0.8", "-3"))
                .isEqualTo(new DecodeStep("g", 7, new org.edgefm.models.family.Generator.Sampling(5, 0.8, -3)));
        assertThat(DecodeStep.fromQuery("g", "7", "1", null, null)).as("k = 1 is greedy").isEqualTo(new DecodeStep("g", 7));
        assertThat(DecodeStep.fromQuery("g", "7", "4", null, null).sampling().temperature()).isEqualTo(1.0);
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", "7", "0", null, null)).hasMessage("topK: '0' (expected: an integer >= 1)");
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", "7", "k", null, null)).hasMessage("topK: 'k' (expected: an integer >= 1)");
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", "7", "5", "0", null)).hasMessage("temperature: '0' (expected: a number > 0)");
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", "7", "5", "NaN", null)).hasMessage("temperature: 'NaN' (expected: a number > 0)");
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", "7", "5", null, "1.5")).hasMessage("seed: '1.5' (expected: an integer)");
        assertThatThrownBy(() -> DecodeStep.fromQuery("g", "7", null, "0.5", null))
                .hasMessage("temperature, seed: given without topK (expected: topK=K with them, or none of them)");
        assertThatThrownBy(() -> DecodeStep.fromQuery(null, null, "5", null, null))
                .hasMessageStartingWith("topK, temperature, seed: given without sequence");
    }

    @Test
    void aStepsSampling_survivesTheStageHeadersJson_toTheAgentThatHoldsTheLmHead() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (DecodeStep step : new DecodeStep[] {new DecodeStep("g", 3, new org.edgefm.models.family.Generator.Sampling(5, 0.8, -7)),
            new DecodeStep("g", 3)}) {
            assertThat(json.readValue(json.writeValueAsBytes(step), DecodeStep.class)).isEqualTo(step);
        }
    }
}
