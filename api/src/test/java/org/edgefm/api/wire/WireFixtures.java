package org.edgefm.api.wire;

import java.util.List;
import java.util.Map;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.api.model.ResourceVector;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.spi.Route;
import org.edgefm.api.spi.WeightedTarget;

/** One valid, fully populated sample of every message type. */
final class WireFixtures {
    static final String FLEET = "lab";
    static final String NODE = "jetson-1";
    static final Topics TOPICS = Topics.forFleet(FLEET);

    private WireFixtures() {
    }

    static Birth birth() {
        return new Birth(1, NODE, 3, 1_700_000_000_000L, "jetson-orin-nx-16gb", "0.1.0",
                new Capabilities(ResourceVector.of(8, 16, 16, 8), "aarch64", "nd4j-cpu", List.of("transformer-encoder", "head")),
                12, 2, List.of(new KernelCalibration("transformer-encoder", 41.5, 0.02, 120.0),
                        new KernelCalibration("head", 3.2, 0.5, null)),
                "10.0.0.7:7400", List.of("camera", "lab-2"));
    }

    static Death death() {
        return new Death(1, NODE, 3, 1_700_000_000_100L, "will");
    }

    static Telemetry telemetry() {
        return new Telemetry(1, NODE, 3, 42, 1_700_000_001_000L, 12,
                new HostMetrics(0.25, List.of(0.5, 0.0), 4L << 30, 16L << 30, 0, 2L << 30, 10L << 30, 64L << 30,
                        1200.5, 800.25, 48.5, 3600),
                List.of(new GpuMetrics(0, "Orin (nvgpu)", 0.6, 3L << 30, 16L << 30, 51.0, 9.5)),
                List.of(new ServiceMetrics("projector", 2, 4, 3, 5, 17, 16, 1.9, 4.2, List.of(0.55, 0.61),
                        List.of(41.5, 38.0))),
                List.of(new PeerMetrics("edge-l4", 1.2, 0.11, 17L, 250L)));
    }

    static Directive directive() {
        DesiredState state = new DesiredState(
                List.of(new DesiredService("projector", ServiceKind.LIGHT, 2, 4, 0.5, 1.18,
                        new KernelSpec("fusion", Map.of("in", 1024, "out", 4096), null)),
                        new DesiredService("clip-vit-l14", ServiceKind.CORE, 1, 1, null, 0.68, null)),
                List.of(new Route("vqa", "proj", null, List.of(new WeightedTarget(NODE, 1.0))),
                        new Route("vqa", "llm", "jetson-1", List.of(new WeightedTarget("edge-l4", 3.0),
                                new WeightedTarget("agx-orin", 1.0)))),
                Map.of("edge-l4", "10.0.0.9:7400"));
        return new Directive(1, NODE, 2, 13, 1_700_000_002_000L, state);
    }

    static Ack ack() {
        return new Ack(1, NODE, 2, 13, AckOutcome.REJECTED, "service 'x' needs 4 GiB VRAM, node has 2", 1_700_000_002_050L);
    }

    /** An applied ack that reports what the directive did. */
    static Ack appliedAck() {
        return new Ack(1, NODE, 2, 14, AckOutcome.APPLIED, null, 1_700_000_002_060L,
                List.of(new InstanceStart("llama2-7b", 41.5, InstanceStart.npy("llama2-7b.npy")),
                        new InstanceStart("whisper-small", 3.25, InstanceStart.GENERATED)),
                List.of(new InstanceStop("gpt-j-6b")));
    }

    static Result result() {
        return new Result(1, NODE, 1_700_000_003_000L, List.of(new TaskCompletion("t-1", "vqa", NODE,
                1_700_000_002_900L, 1_700_000_002_990L, 250, true, null,
                List.of(new StageTiming("pre", NODE, 1_700_000_002_901L, 1_700_000_002_903L),
                        new StageTiming("vit", "edge-l4", 1_700_000_002_910L, 1_700_000_002_940L)))));
    }

    static Command command() {
        return new Command(1, NODE, CommandKind.REBIRTH, "r-7", 1_700_000_004_000L);
    }

    static HostState hostState() {
        return new HostState(1, "host-a", HostStatus.ONLINE, 2, 1_700_000_000_000L);
    }

    /** Every sample with the topic it travels on. */
    static List<Map.Entry<String, WireMessage>> all() {
        return List.of(
                Map.entry(TOPICS.birth(NODE), birth()),
                Map.entry(TOPICS.death(NODE), death()),
                Map.entry(TOPICS.telemetry(NODE), telemetry()),
                Map.entry(TOPICS.directive(NODE), directive()),
                Map.entry(TOPICS.ack(NODE), ack()),
                Map.entry(TOPICS.result(NODE), result()),
                Map.entry(TOPICS.command(NODE), command()),
                Map.entry(TOPICS.hostState(), hostState()));
    }
}
