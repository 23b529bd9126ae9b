package org.edgefm.agent.internal;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.kernel.DecodeStep;
import org.edgefm.agent.kernel.Kernel;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.control.stats.Quantiles;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.DesiredState;
import org.edgefm.wire.InstanceStart;
import org.edgefm.wire.InstanceStop;
import org.edgefm.wire.ServiceMetrics;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The service instances this node runs and their queues. Each service has its own worker pool
 * with {@code instances x parallelism} threads (a core instance serves one task at a time, a light
 * one up to its parallelism); tasks beyond that wait in a FIFO queue. Applying a desired state is
 * two steps: {@link #prepare} loads the kernels of new or changed services on a worker (nothing
 * changes yet), {@link #commit} swaps them in and says which instances it started (with each
 * kernel's measured preload: reading its {@code .npy} file or generating seeded weights) and which
 * it stopped. Thread-safe.
 */
public final class ServiceRuntime {
    /** At most this many rate samples per service per telemetry message. */
    static final int MAX_RATE_SAMPLES = 32;

    private final Vertx vertx;
    private final Path modelDir;
    private final Map<String, Hosted> services = new LinkedHashMap<>();
    private int generation;
    private volatile long sequenceCacheBytes = (long) org.edgefm.agent.AgentConfig.DEFAULT_SEQUENCE_CACHE_MB << 20;

    /** A runtime loading {@code .npy} weights from {@code modelDir}. */
    public ServiceRuntime(Vertx vertx, Path modelDir) {
        this.vertx = vertx;
        this.modelDir = modelDir;
    }

    /** Bounds the per-sequence key/value caches of each decoder part loaded from now on (the agent's {@code sequenceCacheMb}). */
    public void sequenceCacheBytes(long maxBytes) {
        this.sequenceCacheBytes = maxBytes;
    }

    /**
     * The result of one stage: output and service start/end, ms since the epoch. {@code owner} is
     * the kernel's pooled result the output belongs to (close it once the output has been read), or
     * null when the stage ran no kernel and passed its first input through. {@code queuedAtMs} is when
     * the stage entered the service's queue here (its wait in the worker pool is {@code startMs - queuedAtMs}).
     */
    public record StageRun(INDArray output, Kernel.Output owner, long startMs, long endMs, long queuedAtMs) {
    }

    /** Kernels loaded for a desired state, ready to swap in. */
    public static final class Plan {
        private final DesiredState desired;
        private final Map<String, List<Kernel>> kernels;
        /** Per service, how many of its kernels (the first ones) are running instances kept. */
        private final Map<String, Integer> kept;

        private Plan(DesiredState desired, Map<String, List<Kernel>> kernels, Map<String, Integer> kept) {
            this.desired = desired;
            this.kernels = kernels;
            this.kept = kept;
        }
    }

    /**
     * What a commit did: instances started (new or changed services, added instances) and stopped
     * (removed or changed services, removed instances), one entry per instance.
     */
    public record Changes(List<InstanceStart> started, List<InstanceStop> stopped) {
        /** Copies the lists. */
        public Changes {
            started = List.copyOf(started);
            stopped = List.copyOf(stopped);
        }
    }

    /** Loads the kernels a desired state needs beyond those running; fails naming the service and problem. */
    public Future<Plan> prepare(DesiredState desired) {
        Map<String, List<Kernel>> reuse = new HashMap<>();
        synchronized (this) {
            for (DesiredService d : desired.services()) {
                Hosted h = services.get(d.service());
                if (h != null && Objects.equals(h.spec.kernel(), d.kernel())) {
                    reuse.put(d.service(), h.kernels);
                }
            }
        }
        return vertx.executeBlocking(() -> {
            boolean loads = desired.services().stream().anyMatch(d -> d.kernel() != null
                    && reuse.getOrDefault(d.service(), List.of()).size() < d.instances());
            if (!loads) {
                return load(desired, reuse);
            }
            loadStarted.run();
            try {
                return load(desired, reuse);
            } finally {
                loadEnded.run();
            }
        }, false);
    }

    private Runnable loadStarted = () -> { };
    private Runnable loadEnded = () -> { };

    /**
     * Tells {@code started} and {@code ended} when this runtime loads kernels (weights read or
     * generated, model parts mapped): the CPU is then saturated, which the link meter must know.
     */
    public void onLoading(Runnable started, Runnable ended) {
        this.loadStarted = java.util.Objects.requireNonNull(started, "started");
        this.loadEnded = java.util.Objects.requireNonNull(ended, "ended");
    }

    private Plan load(DesiredState desired, Map<String, List<Kernel>> reuse) {
        {
            Map<String, List<Kernel>> out = new HashMap<>();
            Map<String, Integer> kept = new HashMap<>();
            for (DesiredService d : desired.services()) {
                List<Kernel> have = reuse.getOrDefault(d.service(), List.of());
                List<Kernel> ks = new ArrayList<>(have.subList(0, Math.min(have.size(), d.instances())));
                kept.put(d.service(), ks.size());
                while (ks.size() < d.instances()) {
                    if (d.kernel() == null) {
                        ks.add(null);
                        continue;
                    }
                    try {
                        Kernel k = Kernel.load(d.kernel(), modelDir, d.service().hashCode());
                        k.limitSequenceCaches(sequenceCacheBytes);
                        ks.add(k);
                    } catch (EdgeFmException e) {
                        throw new EdgeFmException("services." + d.service() + ".kernel: " + e.getMessage(), e);
                    }
                }
                out.put(d.service(), ks);
            }
            return new Plan(desired, out, kept);
        }
    }

    /**
     * Swaps a prepared plan in: starts, resizes and stops services; queued tasks of a stopped service
     * fail. Plans are committed in the order they were prepared, one at a time.
     *
     * @return the instances started and stopped
     */
    public synchronized Changes commit(Plan plan) {
        Map<String, Hosted> next = new LinkedHashMap<>();
        List<InstanceStart> started = new ArrayList<>();
        List<InstanceStop> stopped = new ArrayList<>();
        for (DesiredService d : plan.desired.services()) {
            Hosted old = services.remove(d.service());
            List<Kernel> ks = plan.kernels.get(d.service());
            int kept = old == null ? 0 : plan.kept.getOrDefault(d.service(), 0);
            for (Kernel k : ks.subList(kept, ks.size())) {
                started.add(started(d.service(), k));
            }
            for (int i = kept; old != null && i < old.kernels.size(); i++) {
                stopped.add(new InstanceStop(d.service()));
            }
            Hosted h = new Hosted(d, ks, generation++);
            if (old != null) {
                h.queue.addAll(old.queue);
                old.queue.clear();
                h.arrivals = old.arrivals;
                h.completed = old.completed;
                old.retire();
            }
            next.put(d.service(), h);
        }
        for (Hosted gone : services.values()) {
            for (Job j : gone.queue) {
                j.promise.tryFail(new EdgeFmException("service '" + gone.spec.service() + "' was stopped by a directive"));
            }
            gone.queue.clear();
            gone.retire();
            for (int i = 0; i < gone.kernels.size(); i++) {
                stopped.add(new InstanceStop(gone.spec.service()));
            }
        }
        services.clear();
        services.putAll(next);
        for (Hosted h : services.values()) {
            dispatch(h);
        }
        return new Changes(started, stopped);
    }

    /** A started instance as the ack reports it: measured preload and weights source (none without a kernel). */
    private static InstanceStart started(String service, Kernel k) {
        if (k == null) {
            return new InstanceStart(service, null, null);
        }
        String weights = k.spec().weights() == null ? InstanceStart.GENERATED : InstanceStart.npy(k.spec().weights());
        return new InstanceStart(service, roundMs(k.preloadMs()), weights);
    }

    /** Milliseconds to the microsecond, to keep payloads short. */
    private static double roundMs(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    /** Runs one stage on a service: queued, then served on its worker pool. */
    public Future<StageRun> execute(String service, List<INDArray> inputs) {
        return execute(service, inputs, null);
    }

    /**
     * Runs one stage that may be a step of a generation ({@code step}, null for none: a decoder's model
     * part then continues its key/value cache of the sequence).
     */
    public synchronized Future<StageRun> execute(String service, List<INDArray> inputs, DecodeStep step) {
        Hosted h = services.get(service);
        if (h == null) {
            return Future.failedFuture(new EdgeFmException("service '" + service + "' is not running here"));
        }
        Promise<StageRun> p = Promise.promise();
        h.arrivals++;
        h.queue.add(new Job(inputs, step, p, System.currentTimeMillis()));
        dispatch(h);
        return p.future();
    }

    /** True when the service runs here. */
    public synchronized boolean hosts(String service) {
        return services.containsKey(service);
    }

    /** The services running, by id. */
    public synchronized List<String> serviceIds() {
        return List.copyOf(services.keySet());
    }

    /** Per-service metrics since the previous call (arrivals, completions, latencies, rates reset). */
    public synchronized List<ServiceMetrics> drainMetrics() {
        List<ServiceMetrics> out = new ArrayList<>();
        for (Hosted h : services.values()) {
            double[] lat = h.latencies.stream().mapToDouble(v -> Math.max(0, v)).toArray();
            List<Double> preloads = h.kernels.stream().filter(Objects::nonNull).map(k -> roundMs(k.preloadMs())).toList();
            out.add(new ServiceMetrics(h.spec.service(), h.kernels.size(), h.spec.parallelism(), h.queue.size(), h.inFlight,
                    h.arrivals, h.completed, quantile(lat, 0.50), quantile(lat, 0.95), List.copyOf(h.rates), preloads));
            h.arrivals = 0;
            h.completed = 0;
            h.latencies.clear();
            h.rates.clear();
        }
        return out;
    }

    /** Stops every service. */
    public synchronized void close() {
        for (Hosted h : services.values()) {
            h.retire();
        }
        services.clear();
    }

    /** A stage-latency quantile by the project's one definition ({@link Quantiles}); null without samples. */
    private static Double quantile(double[] latenciesMs, double q) {
        return latenciesMs.length == 0 ? null : Quantiles.of(latenciesMs, q);
    }

    private void dispatch(Hosted h) {
        while (!h.retired && h.inFlight < h.slots && !h.queue.isEmpty()) {
            Job job = h.queue.poll();
            int inst = h.freeInstance();
            h.busy[inst]++;
            h.inFlight++;
            Kernel k = h.kernels.get(inst);
            h.executor.<StageRun>executeBlocking(() -> {
                long start = System.currentTimeMillis();
                long queued = Math.min(job.enqueuedMs, start);
                if (k == null) {
                    INDArray passed = job.inputs.isEmpty() ? null : job.inputs.get(0);
                    return new StageRun(passed, null, start, System.currentTimeMillis(), queued);
                }
                Kernel.Output out = k.run(job.inputs, job.step);
                return new StageRun(out.array(), out, start, System.currentTimeMillis(), queued);
            }, false).onComplete(ar -> {
                synchronized (ServiceRuntime.this) {
                    h.busy[inst]--;
                    h.inFlight--;
                    if (ar.succeeded()) {
                        StageRun r = ar.result();
                        h.completed++;
                        h.latencies.add((double) (r.endMs() - job.enqueuedMs));
                        if (h.rates.size() < MAX_RATE_SAMPLES) {
                            h.rates.add(h.spec.workloadMb() / Math.max(0.001, r.endMs() - r.startMs()));
                        }
                    }
                    dispatch(h);
                }
                if (ar.succeeded()) {
                    job.promise.tryComplete(ar.result());
                } else {
                    job.promise.tryFail(ar.cause());
                }
            });
        }
    }

    private record Job(List<INDArray> inputs, DecodeStep step, Promise<StageRun> promise, long enqueuedMs) {
    }

    private final class Hosted {
        final DesiredService spec;
        final List<Kernel> kernels;
        final int perInstance;
        final int slots;
        final int[] busy;
        final WorkerExecutor executor;
        final ArrayDeque<Job> queue = new ArrayDeque<>();
        final List<Double> latencies = new ArrayList<>();
        final List<Double> rates = new ArrayList<>();
        int inFlight;
        int arrivals;
        int completed;
        boolean retired;

        Hosted(DesiredService spec, List<Kernel> kernels, int gen) {
            this.spec = spec;
            this.kernels = kernels;
            this.perInstance = spec.kind() == ServiceKind.CORE ? 1 : spec.parallelism();
            this.slots = perInstance * kernels.size();
            this.busy = new int[kernels.size()];
            this.executor = vertx.createSharedWorkerExecutor("edgefm-svc-" + spec.service() + "-" + gen, slots, 1, TimeUnit.HOURS);
        }

        int freeInstance() {
            int best = 0;
            for (int i = 1; i < busy.length; i++) {
                if (busy[i] < busy[best]) {
                    best = i;
                }
            }
            return best;
        }

        void retire() {
            retired = true;
            // running tasks finish on the old pool; close it once they are done
            vertx.setTimer(1, id -> closeWhenIdle());
        }

        private void closeWhenIdle() {
            synchronized (ServiceRuntime.this) {
                if (inFlight == 0) {
                    executor.close();
                } else {
                    vertx.setTimer(100, id -> closeWhenIdle());
                }
            }
        }
    }
}
