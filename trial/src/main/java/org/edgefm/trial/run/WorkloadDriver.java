package org.edgefm.trial.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.edgefm.agent.internal.Tensors;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.Demand;
import org.edgefm.host.PlannerHost;
import org.edgefm.models.manifest.PartRunner;
import org.edgefm.models.manifest.ScenarioModels;
import org.edgefm.scenario.Scenario;
import org.edgefm.trial.Agreement;
import org.edgefm.trial.Generations;
import org.edgefm.trial.TrialMonitor;
import org.edgefm.trial.Warmup;

/**
 * The trial's run loop: one thread per arrival stream posting tasks to the agent where the stream
 * enters (a real model's task carries a real input), the impairment window switched on and off, the
 * progress line, the run conditions sampled, then the drain of tasks in flight.
 */
final class WorkloadDriver {
    private final AtomicBoolean stop;
    private final TrialConsole console;
    private final PlannerHost host;
    private final TrialMonitor monitor;
    private final Warmup warmup;
    private final WarmupWait warmupWait;
    private final ScenarioModels realModels;
    private final Agreement agreement;
    private final Generations generations;

    /**
     * @param realModels  the scenario's real models, or null for a scenario without any
     * @param agreement   where real-model tasks' expected answers go
     * @param generations the decoder task types' generations, or null when the scenario has no decoder
     */
    WorkloadDriver(AtomicBoolean stop, TrialConsole console, PlannerHost host, TrialMonitor monitor, Warmup warmup,
            WarmupWait warmupWait, ScenarioModels realModels, Agreement agreement, Generations generations) {
        this.stop = stop;
        this.console = console;
        this.host = host;
        this.monitor = monitor;
        this.warmup = warmup;
        this.warmupWait = warmupWait;
        this.realModels = realModels;
        this.agreement = agreement;
        this.generations = generations;
    }

    /**
     * Drives the scenario's streams for {@code durationMs} (or until stopped) into the agents at each
     * user's origin.
     *
     * @param gate the file that switches the agents' impairment on, or null when it is not windowed
     */
    void drive(Scenario scenario, Map<String, String> origin, long durationMs, ImpairSpec impairSpec, Path gate)
            throws InterruptedException, IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long t0 = System.currentTimeMillis();
        boolean impaired = !impairSpec.profile().isNone();
        monitor.workloadStarted(t0, durationMs, TrialRunner.WINDOW_MS, impaired ? impairSpec.fromMs() : -1,
                impaired ? impairSpec.toMs() : -1);
        warmup.workloadStarted(t0);
        long end = t0 + durationMs;
        List<Thread> streams = new ArrayList<>();
        AtomicLong ids = new AtomicLong();
        String runNonce = Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffffL);
        int i = 0;
        AtomicLong sent = new AtomicLong();
        TaskRefusals refusals = new TaskRefusals();
        for (Demand d : scenario.workload()) {
            SplittableRandom random = new SplittableRandom(scenario.run().seed() + 31L * i++);
            String node = origin.get(d.user());
            Thread t = new Thread(() -> stream(d, node, random, t0, end, http, ids, runNonce, sent, refusals),
                    "trial-stream-" + d.user());
            t.setDaemon(true);
            t.start();
            streams.add(t);
        }
        while (!stop.get() && System.currentTimeMillis() < end) {
            Thread.sleep(250);
            long elapsed = System.currentTimeMillis() - t0;
            if (gate != null) {
                gate(gate, impairSpec.onAt(elapsed));
            }
            warmupWait.duringWorkload();
            progress(elapsed, durationMs, false);
            monitor.conditions().sample(System.currentTimeMillis());
        }
        long stoppedAt = System.currentTimeMillis();
        monitor.conditions().workloadEnded(stoppedAt, stop.get() && stoppedAt < end);
        for (Thread t : streams) {
            t.interrupt();
            t.join(2000);
        }
    }

    /** One stream's thread: posts each arrival until {@code end}, the stop, or an interrupt. */
    private void stream(Demand d, String node, SplittableRandom random, long t0, long end, HttpClient http, AtomicLong ids,
            String runNonce, AtomicLong sent, TaskRefusals refusals) {
        double next = nextArrivalMs(d.arrivals(), random, t0, t0);
        while (!stop.get()) {
            long wait = (long) next - System.currentTimeMillis();
            if (next >= end) {
                break;
            }
            if (wait > 0) {
                try {
                    Thread.sleep(Math.min(wait, 200));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            // a run nonce makes the ids unguessable; the host counts completions of these ids only
            String taskId = "t" + ids.incrementAndGet() + "-" + d.user() + "-" + runNonce;
            String ep = monitor.endpoint(node);
            if (ep != null && generations != null && generations.serves(d.taskType())) {
                // a decoder's arrival is a generation: one task per token, each sent by sendStep
                generations.start(d.taskType(), sent.getAndIncrement(), taskId, (stepId, query, stepBody) ->
                        sendStep(http, refusals, d.taskType(), d.user(), node, stepId, query, stepBody));
            } else if (ep != null) {
                // a real model's task carries a real input (a question, an image) whose whole-model answer is known
                HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
                if (realModels != null && realModels.serves(d.taskType())) {
                    ScenarioModels.Input in = realModels.input(d.taskType(), sent.getAndIncrement());
                    agreement.expect(taskId, d.taskType(), in.expected());
                    body = HttpRequest.BodyPublishers.ofByteArray(Tensors.write(PartRunner.bytesRow(in.bytes())));
                }
                http.sendAsync(issue(ep, d.taskType(), d.user(), node, taskId, "", body), HttpResponse.BodyHandlers.ofString())
                        .whenComplete((r, e) -> {
                            if (e != null || r.statusCode() != 202) {
                                refusals.refused(taskId, node, ep, r == null ? -1 : r.statusCode(),
                                        r == null ? null : r.body(), e);
                                monitor.refused(taskId);
                                agreement.withdraw(taskId);
                            }
                        });
            }
            next = nextArrivalMs(d.arrivals(), random, t0, next);
        }
    }

    /**
     * Sends one step of a generation ({@link Generations}) as the workload sends a task: booked by the
     * monitor and the validator, authorised, a refusal counted; true when accepted.
     */
    private boolean sendStep(HttpClient http, TaskRefusals refusals, String taskType, String user, String node, String taskId,
            String query, byte[] body) {
        String ep = monitor.endpoint(node);
        if (ep == null) {
            return false;
        }
        try {
            HttpResponse<String> r = http.send(issue(ep, taskType, user, node, taskId, query,
                    HttpRequest.BodyPublishers.ofByteArray(body)), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 202) {
                return true;
            }
            refusals.refused(taskId, node, ep, r.statusCode(), r.body(), null);
        } catch (IOException e) {
            refusals.refused(taskId, node, ep, -1, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            refusals.refused(taskId, node, ep, -1, null, e);
        }
        monitor.refused(taskId);
        return false;
    }

    /**
     * Books a task as issued (the monitor and the validator) and builds its authorised request to the
     * agent's task endpoint; {@code query} is appended to {@code ?id=TASK} (empty, or {@code &...}).
     */
    private HttpRequest issue(String ep, String taskType, String user, String node, String taskId, String query,
            HttpRequest.BodyPublisher body) {
        monitor.submitted(taskId, taskType, user, node);
        host.fleet().validator().taskIssued(taskId, node);
        return HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/" + taskType + "?id=" + taskId + query))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + host.dataToken()).POST(body).build();
    }

    /** Lets generations in flight run to their end (none after a stop), then tasks in flight finish. */
    void finishGenerations() throws InterruptedException {
        if (generations != null) {
            generations.finish(stop.get() ? 0 : Generations.FINISH_MS);
        }
    }

    /** Lets tasks in flight finish, bounded by the longest deadline plus a margin; ends the progress line. */
    void drain(Scenario scenario, long durationMs) throws InterruptedException {
        long drainUntil = System.currentTimeMillis() + 3000 + (long) scenario.taskTypes().stream()
                .mapToDouble(t -> t.deadlineMs()).max().orElse(0);
        while (!stop.get() && monitor.pending() > 0 && System.currentTimeMillis() < drainUntil) {
            Thread.sleep(200);
            progress(-1, durationMs, false);
        }
        progress(-2, durationMs, true);
        console.endProgress();
    }

    /**
     * The wall-clock time (ms) of a stream's next arrival after the one at {@code nowMs}, for a trial
     * that started at {@code startMs}: the gap is drawn at the trial's elapsed time, so a Poisson
     * stream's rate schedule (time since the run start, as in the simulator) is honoured.
     */
    static double nextArrivalMs(ArrivalProcess arrivals, RandomGenerator random, double startMs, double nowMs) {
        return nowMs + arrivals.nextGapMs(random, nowMs - startMs);
    }

    /**
     * Switches the agents' impairment on (the gate file exists) or off (it does not); each agent's
     * shaper looks for the file at most every 100 ms.
     */
    private static void gate(Path gate, boolean on) throws IOException {
        if (on && !Files.exists(gate)) {
            Files.writeString(gate, "on\n");
        } else if (!on) {
            Files.deleteIfExists(gate);
        }
    }

    /** The progress line; {@code elapsedMs} -1 while tasks in flight finish, -2 once they did (or the wait ended). */
    private void progress(long elapsedMs, long durationMs, boolean force) {
        TrialMonitor.Counts c = monitor.counts();
        String time = elapsedMs == -1 ? "draining" : elapsedMs < -1 ? "done" : String.format(Locale.ROOT, "%3d/%d s",
                elapsedMs / 1000, durationMs / 1000);
        console.progress(String.format(Locale.ROOT, "[%s] tasks %d/%d done, %.1f%% of them on time, directives %d sent / %d acked"
                + " / %d re-sent", time, c.completed(), c.submitted(), c.completed() == 0 ? 0.0 : 100.0 * c.onTime()
                / c.completed(), c.directivesSent(), c.directivesAcked(), c.directivesResent()), force);
    }
}
