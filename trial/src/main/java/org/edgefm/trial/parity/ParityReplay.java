package org.edgefm.trial.parity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.spi.LightServiceControllerFactory;
import org.edgefm.api.spi.PlannerConfig;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.scenario.RunSettings;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.DirectivesReplay;
import org.edgefm.sim.SimSettings;
import org.edgefm.sim.SimulationRun;
import org.edgefm.sim.calibration.Calibration;
import org.edgefm.sim.calibration.Issued;
import org.edgefm.sim.calibration.Task;
import org.edgefm.wire.Directive;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.TaskCompletion;

/**
 * Replays a trial's arrivals (its task log: times, task types, users and the nodes their tasks
 * entered) through the simulator calibrated by the trial's own measurements ({@link Calibration#twin}),
 * under the same planner, planner keys and control loop, and measures both sides the same way
 * ({@link ParitySide}, {@link CostLedger}). The simulation runs the workload's time plus the trial's
 * drain (the longest deadline and 3 s), so tasks submitted late can finish as they could live.
 */
public final class ParityReplay {
    /** The margin after the longest deadline the trial waits for tasks in flight, ms. */
    static final double DRAIN_MARGIN_MS = 3_000;

    private ParityReplay() {
    }

    /**
     * The simulated side.
     *
     * @param scenario    the scenario the trial ran
     * @param calibration the trial's calibration (its task log is replayed)
     * @param planner     the trial's planner
     * @param config      its settings (the scenario's, as the host read them)
     * @param fallback    the fallback controller, or null
     */
    public static ParitySide simulate(Scenario scenario, Calibration calibration, ResolvedPlanner planner, PlannerConfig config,
            LightServiceControllerFactory fallback) {
        double workloadMs = calibration.workload().durationMs();
        Scenario s = prepared(scenario, calibration);
        List<TrialLog.DirectiveEvent> directives = new ArrayList<>();
        List<TaskCompletion> done = new ArrayList<>();
        SimulationRun.Observer observer = new SimulationRun.Observer() {
            @Override
            public void onDirective(double nowMs, Directive d) {
                directives.add(event((long) Math.floor(nowMs), d));
            }

            @Override
            public void onCompletions(List<TaskCompletion> completions) {
                done.addAll(completions);
            }
        };
        Scenario replayed = s;
        List<Directive> initial = inForceAtStart(calibration);
        onReplayThread(() -> SimulationRun.run(replayed, planner, config, replayed.run().seed(), 1.0, null,
                new SimulationRun.Options(true, fallback, calibration.twin(true, replayed), observer, initial)));
        // the deployment the replay started from is the live one at the workload's start: the ledger starts there too
        List<TrialLog.DirectiveEvent> ledger = new ArrayList<>();
        initial.forEach(d -> ledger.add(event(-1, d)));
        ledger.addAll(directives);
        return side(s, calibration, done, ledger);
    }

    /**
     * The simulated side of a directives replay: the live host's directives applied as published
     * ({@link DirectivesReplay}), no planner, so the gap to the live side is the twin's service model's.
     *
     * @param scenario    the scenario the trial ran
     * @param calibration the trial's calibration, with its directives (schema {@value Calibration#SCHEMA})
     * @throws org.edgefm.api.EdgeFmException one line when the calibration holds no directives
     */
    public static Directives simulateDirectives(Scenario scenario, Calibration calibration) {
        List<DirectivesReplay.Timed> recorded = new ArrayList<>();
        for (Issued i : calibration.recordedDirectives()) {
            recorded.add(new DirectivesReplay.Timed(i.atMs(), i.directive()));
        }
        Scenario s = prepared(scenario, calibration);
        DirectivesReplay.Outcome[] out = new DirectivesReplay.Outcome[1];
        onReplayThread(() -> out[0] = DirectivesReplay.run(s, calibration.twin(true, s), recorded, s.run().seed()));
        java.util.Set<String> applied = new java.util.HashSet<>();
        out[0].applied().forEach(t -> applied.add(id(t.directive())));
        List<TrialLog.DirectiveEvent> ledger = new ArrayList<>();
        for (DirectivesReplay.Timed t : recorded) {
            if (applied.contains(id(t.directive()))) {
                ledger.add(event((long) Math.floor(t.atMs()), t.directive()));
            }
        }
        return new Directives(side(s, calibration, out[0].completions(), ledger), out[0]);
    }

    /**
     * A directives replay's result.
     *
     * @param side    the simulated side (directives and placement changes: those the fleet put in force)
     * @param outcome what the fleet was handed, applied and refused
     */
    public record Directives(ParitySide side, DirectivesReplay.Outcome outcome) {
    }

    /**
     * The live side as a calibration file recorded it (a finished trial replayed later): its task
     * log's outcomes and, where the file holds them, its directives.
     */
    public static ParitySide live(Calibration calibration, Scenario scenario) {
        double workloadMs = calibration.workload().durationMs();
        Map<String, Double> deadlines = deadlines(scenario);
        List<ParitySide.Outcome> outcomes = new ArrayList<>();
        for (Task t : calibration.taskLog()) {
            if (t.atMs() >= workloadMs) {
                continue;
            }
            boolean ok = Boolean.TRUE.equals(t.success());
            outcomes.add(new ParitySide.Outcome(t.atMs(), t.taskType(), ok,
                    t.latencyMs() == null ? Double.NaN : t.latencyMs(), deadlines.getOrDefault(t.taskType(), 0.0)));
        }
        List<TrialLog.DirectiveEvent> ledger = new ArrayList<>();
        if (calibration.directives() != null) {
            calibration.directives().forEach(i -> ledger.add(event((long) Math.floor(i.atMs()), i.directive())));
        }
        CostLedger.Tally tally = CostLedger.charge(ledger, scenario,
                SimSettings.from(scenario.planner()).parallelismCostTimesY(), 0, workloadMs);
        return ParitySide.of(outcomes, tally, scenario.taskTypes().stream().map(TaskType::id).toList(),
                calibration.workload().windowMs(), workloadMs);
    }

    /** Per node, the last directive the live host published before the workload started (none for older files). */
    static List<Directive> inForceAtStart(Calibration calibration) {
        if (calibration.directives() == null) {
            return List.of();
        }
        Map<String, Directive> last = new java.util.LinkedHashMap<>();
        for (Issued i : calibration.directives()) {
            if (i.atMs() <= 0) {
                last.put(i.node(), i.directive());
            }
        }
        return List.copyOf(last.values());
    }

    /** The scenario as the trial ran it, over the workload's time plus its drain. */
    private static Scenario prepared(Scenario scenario, Calibration calibration) {
        double workloadMs = calibration.workload().durationMs();
        Scenario s = calibration.apply(scenario);
        double slotMs = s.run().slotMs();
        double maxDeadline = s.taskTypes().stream().mapToDouble(TaskType::deadlineMs).max().orElse(0);
        int slots = (int) Math.max(1, Math.ceil((workloadMs + maxDeadline + DRAIN_MARGIN_MS) / slotMs));
        return new Scenario(s.schema(), s.name(), s.description(), s.topology(), s.services(), s.taskTypes(), s.users(),
                s.workload(), new RunSettings(slotMs, slots, s.run().planningEpochMs(), s.run().seed()), s.failures(),
                s.planner(), s.models());
    }

    /** Matches each logged arrival with the simulated task of its type submitted then (the rest never finished), and charges. */
    private static ParitySide side(Scenario s, Calibration calibration, List<TaskCompletion> done,
            List<TrialLog.DirectiveEvent> directives) {
        double workloadMs = calibration.workload().durationMs();
        Map<String, Double> deadlines = deadlines(s);
        Map<String, List<TaskCompletion>> byArrival = new HashMap<>();
        for (TaskCompletion c : done) {
            byArrival.computeIfAbsent(c.taskType() + "@" + c.submittedAtMs(), k -> new ArrayList<>()).add(c);
        }
        List<ParitySide.Outcome> outcomes = new ArrayList<>();
        for (Task t : calibration.taskLog()) {
            if (t.atMs() >= workloadMs) {
                continue;
            }
            List<TaskCompletion> l = byArrival.get(t.taskType() + "@" + (long) Math.floor(t.atMs()));
            TaskCompletion c = l == null || l.isEmpty() ? null : l.remove(l.size() - 1);
            outcomes.add(new ParitySide.Outcome(t.atMs(), t.taskType(), c != null && c.success(),
                    c == null ? Double.NaN : c.latencyMs(), deadlines.getOrDefault(t.taskType(), 0.0)));
        }
        CostLedger.Tally tally = CostLedger.charge(directives, s, SimSettings.from(s.planner()).parallelismCostTimesY(), 0,
                workloadMs);
        return ParitySide.of(outcomes, tally, s.taskTypes().stream().map(TaskType::id).toList(),
                calibration.workload().windowMs(), workloadMs);
    }

    private static TrialLog.DirectiveEvent event(long atMs, Directive d) {
        Map<String, int[]> m = new HashMap<>();
        for (DesiredService x : d.desired().services()) {
            m.put(x.service(), new int[] {x.instances(), x.parallelism()});
        }
        return new TrialLog.DirectiveEvent(atMs, d.nodeId(), m, d);
    }

    private static String id(Directive d) {
        return d.nodeId() + "/" + d.plannerEpoch() + "/" + d.version();
    }

    /**
     * The live side, from the trial's log: the tasks submitted during the workload and the directives
     * over its time, on the workload's clock.
     */
    public static ParitySide live(TrialLog log, Scenario scenario) {
        double workloadMs = Math.max(0, log.workloadMs());
        Map<String, Double> deadlines = deadlines(scenario);
        List<ParitySide.Outcome> outcomes = new ArrayList<>();
        for (TrialLog.Task t : log.tasks()) {
            double at = t.submittedMs() - log.workloadStartMs();
            if (log.workloadStartMs() < 0 || at < 0 || at >= workloadMs) {
                continue;
            }
            TaskCompletion c = t.completion();
            outcomes.add(new ParitySide.Outcome(at, t.taskType(), c != null && c.success(),
                    c == null ? Double.NaN : c.latencyMs(), deadlines.getOrDefault(t.taskType(), 0.0)));
        }
        List<TrialLog.DirectiveEvent> shifted = new ArrayList<>();
        for (TrialLog.DirectiveEvent e : log.directives()) {
            shifted.add(new TrialLog.DirectiveEvent(e.atMs() - log.workloadStartMs(), e.node(), e.instances()));
        }
        CostLedger.Tally tally = CostLedger.charge(shifted, scenario,
                SimSettings.from(scenario.planner()).parallelismCostTimesY(), 0, workloadMs);
        return ParitySide.of(outcomes, tally, scenario.taskTypes().stream().map(TaskType::id).toList(), log.windowMs(),
                workloadMs);
    }

    private static Map<String, Double> deadlines(Scenario s) {
        Map<String, Double> m = new HashMap<>();
        s.taskTypes().forEach(t -> m.put(t.id(), t.deadlineMs()));
        return m;
    }

    /** The name of the thread a replay runs on: its log lines (a plugin's failures in the replay) say they are not the host's. */
    public static final String THREAD = "parity-replay";

    /** Runs {@code replay} on a thread named {@link #THREAD} and waits for it; its exception is rethrown here. */
    private static void onReplayThread(Runnable replay) {
        RuntimeException[] failed = new RuntimeException[1];
        Thread t = new Thread(() -> {
            try {
                replay.run();
            } catch (RuntimeException e) {
                failed[0] = e;
            }
        }, THREAD);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("parity replay interrupted", e);
        }
        if (failed[0] != null) {
            throw failed[0];
        }
    }
}
