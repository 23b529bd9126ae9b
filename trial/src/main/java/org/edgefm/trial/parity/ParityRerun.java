package org.edgefm.trial.parity;

import java.io.PrintWriter;
import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;
import org.edgefm.control.PluginFallback;
import org.edgefm.control.PluginRegistry;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.calibration.Calibration;

/**
 * {@code simulate --calibrate-from RUN --parity}: a finished trial's parity, computed again from its
 * calibration file alone (so the twin's keys can be changed and the same recorded trial compared):
 * the live side as the file recorded it, the planner replayed on the trial's arrivals from the
 * deployment the trial had when its workload started, and the directives replay (the live
 * directives applied as published, no planner), which isolates the twin's service model.
 */
public final class ParityRerun {
    private ParityRerun() {
    }

    /**
     * Prints the parity lines.
     *
     * @param out         where
     * @param scenario    the scenario the trial ran (with any {@code --set sim.*} applied)
     * @param calibration the trial's calibration
     * @param from        where it was read (named in the output)
     * @param registry    the plugins
     * @param planner     the planner to replay (the trial's where null)
     * @param fallback    the fallback controller's name
     * @return the exit status: 0, or 1 when the replay could not run
     */
    public static int print(PrintWriter out, Scenario scenario, Calibration calibration, Path from, PluginRegistry registry,
            String planner, String fallback) {
        String p = planner == null ? calibration.planner() : planner;
        if (calibration.taskLog().isEmpty()) {
            throw new EdgeFmException("calibration " + from + ": the trial's workload never ran (no task to replay)");
        }
        ParitySide live = ParityReplay.live(calibration, scenario);
        ParitySide sim = ParityReplay.simulate(scenario, calibration, registry.resolve(p), scenario.plannerConfig(),
                PluginFallback.resolve(registry, fallback));
        ParitySection section = ParitySection.of(p, live, sim, calibration);
        DirectivesParity d;
        ParityReplay.Directives replay = null;
        try {
            java.util.Map<String, Object> keys = new java.util.LinkedHashMap<>(scenario.planner());
            keys.put("sim.stage-timings", true); // the per-stage breakdown below
            replay = ParityReplay.simulateDirectives(scenario.withPlanner(keys), calibration);
            d = DirectivesParity.of(replay);
        } catch (EdgeFmException e) {
            d = DirectivesParity.failed(e.getMessage());
        }
        section.directives(d);
        out.println("parity of the trial recorded in " + from + " (its planner " + calibration.planner() + "; replayed: " + p
                + ")");
        section.lines().forEach(out::println);
        if (replay != null) {
            out.println("directives replay, per stage:");
            StageBreakdown.lines(calibration, scenario, replay.outcome().completions()).forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
