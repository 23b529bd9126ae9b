package org.edgefm.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.edgefm.wire.Birth;
import org.edgefm.wire.Result;
import org.edgefm.wire.TaskCompletion;

/**
 * Submits tasks at a steady pace to the task endpoints of a set of origin agents (round robin over
 * those not excluded), labelling each with the current phase of the test, and matches them with the
 * results a {@link FleetRecorder} saw by task id.
 */
public final class TaskDriver implements AutoCloseable {
    /** A task an agent accepted (HTTP 202). */
    public record Task(String id, String type, String origin, long submittedNanos, String phase) {
    }

    private final FleetRecorder recorder;
    private final List<String> origins;
    private final List<String> taskTypes;
    private final long periodMs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Set<String> excluded = ConcurrentHashMap.newKeySet();
    private final List<Task> accepted = new CopyOnWriteArrayList<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong ids = new AtomicLong();
    private volatile String phase = "start";
    private volatile boolean paused;
    private volatile boolean closed;
    private Thread thread;

    /** A driver over {@code origins}, alternating {@code taskTypes}, one task every {@code periodMs}. */
    public TaskDriver(FleetRecorder recorder, List<String> origins, List<String> taskTypes, long periodMs) {
        this.recorder = recorder;
        this.origins = List.copyOf(origins);
        this.taskTypes = List.copyOf(taskTypes);
        this.periodMs = periodMs;
    }

    private volatile java.util.function.Supplier<String> dataToken = () -> null;

    /** The fleet's data token the task endpoints require (the host's {@code dataToken()}); null: none sent. */
    public TaskDriver dataToken(java.util.function.Supplier<String> token) {
        this.dataToken = token;
        return this;
    }

    /** Starts submitting. */
    public TaskDriver start() {
        thread = new Thread(this::loop, "it-task-driver");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void loop() {
        int i = 0;
        while (!closed) {
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
            if (paused) {
                continue;
            }
            List<String> up = origins.stream().filter(o -> !excluded.contains(o)).toList();
            if (up.isEmpty()) {
                continue;
            }
            String origin = up.get(i % up.size());
            String type = taskTypes.get(i % taskTypes.size());
            i++;
            Birth b = recorder.lastBirth(origin);
            if (b == null || b.dataEndpoint().isBlank()) {
                continue;
            }
            String id = "it" + ids.incrementAndGet() + "-" + phase;
            long at = System.nanoTime();
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://" + b.dataEndpoint()
                        + "/v1/tasks/" + type + "?id=" + id)).timeout(Duration.ofSeconds(3));
                String token = dataToken.get();
                if (token != null) {
                    req.header("Authorization", "Bearer " + token);
                }
                HttpResponse<String> r = http.send(req.POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 202) {
                    accepted.add(new Task(id, type, origin, at, phase));
                } else {
                    refused.incrementAndGet();
                }
            } catch (java.io.IOException e) {
                refused.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Labels the tasks submitted from now on. */
    public void phase(String p) {
        phase = p;
    }

    /** Stops or resumes submitting. */
    public void paused(boolean p) {
        paused = p;
    }

    /** Stops or resumes submitting to one origin. */
    public void excluded(String origin, boolean ex) {
        if (ex) {
            excluded.add(origin);
        } else {
            excluded.remove(origin);
        }
    }

    /** Tasks accepted so far. */
    public List<Task> accepted() {
        return List.copyOf(accepted);
    }

    /** Tasks accepted in a phase. */
    public List<Task> accepted(String p) {
        return accepted.stream().filter(t -> t.phase().equals(p)).toList();
    }

    /** Submissions refused or unanswered. */
    public long refused() {
        return refused.get();
    }

    /** Every completion received so far, by task id, duplicates (QoS 1 re-deliveries) included. */
    public Map<String, List<TaskCompletion>> completions() {
        Map<String, List<TaskCompletion>> m = new HashMap<>();
        for (Result r : recorder.received(null, Result.class)) {
            for (TaskCompletion c : r.completions()) {
                m.computeIfAbsent(c.taskId(), k -> new ArrayList<>()).add(c);
            }
        }
        return m;
    }

    /** The tasks of a phase that completed successfully. */
    public long succeeded(String p) {
        Map<String, List<TaskCompletion>> c = completions();
        return accepted(p).stream().filter(t -> c.containsKey(t.id()) && c.get(t.id()).get(0).success()).count();
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
