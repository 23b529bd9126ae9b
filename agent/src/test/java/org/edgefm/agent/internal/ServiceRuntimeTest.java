package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.WeightFiles;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.ServiceMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceRuntimeTest {
    // about 0.6 GFLOP per task: long enough that no more than one task can finish while five are submitted
    private static final KernelSpec ENCODER = new KernelSpec("transformer-encoder",
            Map.of("layers", 4, "hidden", 256, "heads", 4, "tokens", 128, "mlp", 512), null);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ServiceRuntime runtime(DesiredService... services) throws Exception {
        ServiceRuntime r = new ServiceRuntime(vertx, Path.of("."));
        ServiceRuntime.Plan p = r.prepare(new DesiredState(List.of(services), List.of(), Map.of()))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        r.commit(p);
        return r;
    }

    private static ServiceMetrics metrics(ServiceRuntime r, String service) {
        return r.drainMetrics().stream().filter(m -> m.service().equals(service)).findFirst().orElseThrow();
    }

    @Test
    void coreInstance_servesOneTaskAtATime_lightInstanceUpToItsParallelism() throws Exception {
        ServiceRuntime r = runtime(new DesiredService("core", ServiceKind.CORE, 1, 1, null, 1, ENCODER),
                new DesiredService("light", ServiceKind.LIGHT, 1, 3, null, 1, ENCODER));
        List<Future<ServiceRuntime.StageRun>> runs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(r.execute("core", List.of()));
        }
        ServiceMetrics core = metrics(r, "core");
        assertThat(core.inFlight()).isEqualTo(1);
        assertThat(core.queueLength()).isGreaterThanOrEqualTo(3);
        assertThat(core.arrivals()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            runs.add(r.execute("light", List.of()));
        }
        ServiceMetrics light = metrics(r, "light");
        assertThat(light.inFlight()).isEqualTo(3);
        assertThat(light.queueLength()).isGreaterThanOrEqualTo(1);
        for (Future<ServiceRuntime.StageRun> f : runs) {
            ServiceRuntime.StageRun run = f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
            assertThat(run.output().shape()).containsExactly(128, 256);
            assertThat(run.endMs()).isGreaterThanOrEqualTo(run.startMs());
        }
        ServiceMetrics after = metrics(r, "core");
        assertThat(after.completed()).isEqualTo(5);
        assertThat(after.queueLength()).isZero();
        assertThat(after.latencyP50Ms()).isNotNull();
        assertThat(after.latencyP95Ms()).isGreaterThanOrEqualTo(after.latencyP50Ms());
        assertThat(after.rateSamplesMbPerMs()).hasSize(5).allSatisfy(x -> assertThat(x).isPositive());
    }

    @Test
    void commit_stopsServicesNotDesired_andExecuteOnAStoppedServiceFails() throws Exception {
        ServiceRuntime r = runtime(new DesiredService("a", ServiceKind.LIGHT, 1, 1, null, 1, null));
        assertThat(r.hosts("a")).isTrue();
        r.commit(r.prepare(DesiredState.EMPTY).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertThat(r.serviceIds()).isEmpty();
        assertThatThrownBy(() -> r.execute("a", List.of()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("service 'a' is not running here");
    }

    @Test
    void commit_reportsInstancesStartedWithTheirPreload_andInstancesStopped(@TempDir Path dir) throws Exception {
        KernelSpec fromFile = new KernelSpec("head", Map.of("in", 64, "out", 32), "head.npy");
        WeightFiles.write(fromFile, dir, 3);
        ServiceRuntime r = new ServiceRuntime(vertx, dir);
        ServiceRuntime.Changes first = apply(r, new DesiredService("npy", ServiceKind.LIGHT, 2, 1, null, 1, fromFile),
                new DesiredService("gen", ServiceKind.LIGHT, 1, 1, null, 1, ENCODER),
                new DesiredService("plain", ServiceKind.LIGHT, 1, 1, null, 1, null));
        assertThat(first.stopped()).isEmpty();
        assertThat(first.started()).extracting(InstanceStart::service).containsExactly("npy", "npy", "gen", "plain");
        assertThat(first.started().get(0).weights()).isEqualTo("npy head.npy");
        assertThat(first.started().get(0).preloadMs()).isPositive();
        assertThat(first.started().get(2).weights()).isEqualTo("generated");
        assertThat(first.started().get(3).preloadMs()).isNull();
        assertThat(metrics(r, "npy").preloadMs()).hasSize(2).allSatisfy(ms -> assertThat(ms).isPositive());
        assertThat(metrics(r, "plain").preloadMs()).isEmpty();

        // one npy instance fewer, gen unchanged, plain gone, a new service started
        ServiceRuntime.Changes second = apply(r, new DesiredService("npy", ServiceKind.LIGHT, 1, 1, null, 1, fromFile),
                new DesiredService("gen", ServiceKind.LIGHT, 1, 1, null, 1, ENCODER),
                new DesiredService("more", ServiceKind.LIGHT, 1, 1, null, 1, fromFile));
        assertThat(second.started()).extracting(InstanceStart::service).containsExactly("more");
        assertThat(second.stopped()).extracting(InstanceStop::service).containsExactlyInAnyOrder("npy", "plain");

        // a changed kernel restarts every instance of the service
        ServiceRuntime.Changes third = apply(r, new DesiredService("gen", ServiceKind.LIGHT, 1, 1, null, 1, fromFile));
        assertThat(third.started()).extracting(InstanceStart::service).containsExactly("gen");
        assertThat(third.stopped()).extracting(InstanceStop::service).containsExactlyInAnyOrder("npy", "gen", "more");
    }

    private static ServiceRuntime.Changes apply(ServiceRuntime r, DesiredService... services) throws Exception {
        return r.commit(r.prepare(new DesiredState(List.of(services), List.of(), Map.of()))
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
    }

    @Test
    void prepare_corruptNpyFile_failsWithOneLine(@TempDir Path dir) throws Exception {
        KernelSpec spec = new KernelSpec("head", Map.of("in", 64, "out", 32), "head.npy");
        Path file = WeightFiles.write(spec, dir, 3);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, whole.length / 2));
        ServiceRuntime r = new ServiceRuntime(vertx, dir);
        DesiredState s = new DesiredState(List.of(new DesiredService("h", ServiceKind.LIGHT, 1, 1, null, 1, spec)),
                List.of(), Map.of());
        assertThatThrownBy(() -> r.prepare(s).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
                .cause().hasMessageStartingWith("services.h.kernel: kernel 'head': weights file ")
                .hasMessageContaining("is truncated: ").hasMessageContaining("bytes of data (expected: 8192 as its header says)").hasMessageNotContaining("\n");
        Files.writeString(file, "not numpy at all");
        assertThatThrownBy(() -> r.prepare(s).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
                .cause().hasMessageEndingWith("is not a valid .npy file (no NUMPY header)");
    }

    @Test
    void prepare_tellsTheLinkMeterWhileItLoads_alsoWhenTheLoadFails_andNotWhenNothingLoads() throws Exception {
        ServiceRuntime r = new ServiceRuntime(vertx, Path.of("no-such-dir"));
        LinkMeter meter = new LinkMeter(new org.edgefm.agent.AgentConfig.Links(null, null, 10_000, null, 0.5, 60.0, 1));
        java.util.concurrent.atomic.AtomicBoolean sawLoading = new java.util.concurrent.atomic.AtomicBoolean();
        r.onLoading(() -> {
            meter.loadingStarted();
            sawLoading.set(meter.loading());
        }, () -> meter.loadingEnded(System.currentTimeMillis()));
        DesiredService gen = new DesiredService("gen", ServiceKind.LIGHT, 1, 1, null, 1, ENCODER);
        r.commit(r.prepare(new DesiredState(List.of(gen), List.of(), Map.of())).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS));
        assertThat(sawLoading).isTrue();
        assertThat(meter.loading()).isFalse();
        sawLoading.set(false);
        r.prepare(new DesiredState(List.of(gen), List.of(), Map.of())).toCompletionStage().toCompletableFuture()
                .get(60, TimeUnit.SECONDS); // the running kernel is kept: nothing loads
        assertThat(sawLoading).isFalse();
        DesiredState bad = new DesiredState(List.of(new DesiredService("h", ServiceKind.LIGHT, 1, 1, null, 1,
                new KernelSpec("head", Map.of("in", 4, "out", 2), "w.npy"))), List.of(), Map.of());
        assertThatThrownBy(() -> r.prepare(bad).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertThat(sawLoading).isTrue();
        assertThat(meter.loading()).isFalse();
    }

    @Test
    void prepare_badNpyFile_failsNamingTheService() {
        ServiceRuntime r = new ServiceRuntime(vertx, Path.of("no-such-dir"));
        DesiredState s = new DesiredState(List.of(new DesiredService("h", ServiceKind.LIGHT, 1, 1, null, 1,
                new KernelSpec("head", Map.of("in", 4, "out", 2), "w.npy"))), List.of(), Map.of());
        assertThatThrownBy(() -> r.prepare(s).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
                .hasMessageContaining("services.h.kernel: kernel 'head': weights file").hasMessageContaining("is not readable");
    }
}
