package org.edgefm.trial.parity;

import java.io.IOException;
import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;
import org.edgefm.control.PluginFallback;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.calibration.Calibration;

/**
 * What a trial does for parity once its workload ended: write {@value Calibration#FILE} into the run
 * folder, then (unless skipped) replay the trial's arrivals through the simulator calibrated by it
 * ({@link ParityReplay}) and compare, and apply the live directives to the same twin with no planner
 * ({@link DirectivesParity}) to separate the service model's gap from the planning's. Neither step can fail the trial: a failure is the section's one line.
 */
public final class TrialParity {
    private TrialParity() {
    }

    /**
     * Writes the calibration and runs the replay.
     *
     * @param log       what the trial's monitor recorded
     * @param scenario  the scenario the trial ran
     * @param planner   the trial's planner (a preset or CORE+LIGHT)
     * @param fallback  the trial's fallback controller name (none: no fallback)
     * @param registry  loads the plugins as the host did
     * @param runFolder where {@value Calibration#FILE} goes
     * @param replay    false for {@code --no-parity}: the calibration only
     * @return the parity section (a failed one names why in one line)
     */
    public static ParitySection after(TrialLog log, Scenario scenario, String planner, String fallback,
            java.util.function.Supplier<PluginRegistry> registry, Path runFolder,
            boolean replay) {
        return after(log, scenario, planner, fallback, null, registry, runFolder, replay);
    }

    /**
     * As {@link #after(TrialLog, Scenario, String, String, java.util.function.Supplier, Path, boolean)},
     * and with a shadow planner: the twin also predicts what the shadow would have achieved on the
     * same arrivals (its replay failing is said in the section, the rest stands).
     *
     * @param shadow the shadow planner (a preset or CORE+LIGHT), or null
     */
    public static ParitySection after(TrialLog log, Scenario scenario, String planner, String fallback, String shadow,
            java.util.function.Supplier<PluginRegistry> registry, Path runFolder, boolean replay) {
        Calibration calibration;
        try {
            calibration = CalibrationRecorder.record(log, scenario, planner);
            calibration.write(runFolder.resolve(Calibration.FILE));
        } catch (IOException | RuntimeException e) {
            return ParitySection.failed(planner, "no calibration: " + oneLine(e));
        }
        if (!replay) {
            return ParitySection.failed(planner, "skipped (--no-parity); " + Calibration.FILE + " was written");
        }
        if (log.workloadStartMs() < 0 || calibration.taskLog().isEmpty()) {
            return ParitySection.failed(planner, "the workload never ran (no task to replay)");
        }
        try {
            PluginRegistry plugins = registry.get();
            ResolvedPlanner resolved = plugins.resolve(planner);
            ParitySide sim = ParityReplay.simulate(scenario, calibration, resolved, scenario.plannerConfig(),
                    PluginFallback.resolve(plugins, fallback));
            ParitySection section = ParitySection.of(planner, ParityReplay.live(log, scenario), sim, calibration);
            try {
                section.directives(DirectivesParity.of(ParityReplay.simulateDirectives(scenario, calibration)));
            } catch (RuntimeException e) {
                section.directives(DirectivesParity.failed(oneLine(e)));
            }
            if (shadow != null) {
                try {
                    section.shadow(shadow, ParityReplay.simulate(scenario, calibration, plugins.resolve(shadow),
                            scenario.plannerConfig(), PluginFallback.resolve(plugins, fallback)), null);
                } catch (RuntimeException e) {
                    section.shadow(shadow, null, oneLine(e));
                }
            }
            return section;
        } catch (RuntimeException | StackOverflowError e) {
            return ParitySection.failed(planner, "the replay failed: " + oneLine(e));
        }
    }

    private static String oneLine(Throwable e) {
        String m = e instanceof EdgeFmException || e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        m = m == null ? e.getClass().getSimpleName() : m;
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
