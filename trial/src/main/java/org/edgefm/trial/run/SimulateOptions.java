package org.edgefm.trial.run;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code edgefm simulate} was asked for: one field per command-line option, as given. A null
 * field is an option that was not given and has no default.
 *
 * @param scenario        {@code --scenario}: a scenario file or built-in name
 * @param planners        {@code --planners}: presets, light controllers or CORE+LIGHT (null: two-tier)
 * @param seeds           {@code --seeds}: seeds per planner and load
 * @param loads           {@code --load}: load factors on every arrival rate (null: 1)
 * @param slots           {@code --slots}: the scenario's number of slots overridden, or null
 * @param threads         {@code --threads}: runs in parallel, or null for the number of processors
 * @param seedOffset      {@code --seed-offset}: the first seed is the scenario's plus this
 * @param sets            {@code --set}: [PLANNER:]KEY=VALUE overrides
 * @param sweeps          {@code --sweep}: [PLANNER:]KEY=V1,V2,... sweeps
 * @param json            {@code --json}: the results document's file, or null
 * @param report          {@code --report}: the HTML report's folder, or null
 * @param pluginsDir      {@code --plugins-dir}: the plugin jars' folder, or null for the default
 * @param noBudget        {@code --no-budget}: measure plugin calls without cutting them
 * @param fallbackPlanner {@code --fallback-planner}: the light controller while a planner's never decided
 * @param calibrateFrom   {@code --calibrate-from}: a trial's run folder or a calibration file, or null (the model alone)
 * @param replayTaskLog   {@code --replay-task-log}: with {@code --calibrate-from}, the trial's recorded arrivals
 *                        instead of the scenario's arrival processes
 * @param parity          {@code --parity}: with {@code --calibrate-from}, the trial's parity computed again
 *                        ({@code org.edgefm.trial.parity.ParityRerun}) instead of a campaign
 * @param figures         {@code --figures}: the folder for the paper's figures (Fig. 3, Fig. 4) as SVG and CSV, or null
 * @param deploymentAt    {@code --deployment-at}: slots at whose start every run's deployment is recorded in the
 *                        {@code --json} file (null or empty: none)
 */
public record SimulateOptions(String scenario, List<String> planners, int seeds, List<Double> loads, Integer slots,
        Integer threads, long seedOffset, List<String> sets, List<String> sweeps, Path json, Path report,
        Path pluginsDir, boolean noBudget, String fallbackPlanner, Path calibrateFrom, boolean replayTaskLog,
        boolean parity, Path figures, List<Integer> deploymentAt) {

    /** Takes its own copy of {@code deploymentAt}, empty for null. */
    public SimulateOptions {
        deploymentAt = deploymentAt == null ? List.of() : List.copyOf(deploymentAt);
    }

    /** Options without {@code --figures}. */
    public SimulateOptions(String scenario, List<String> planners, int seeds, List<Double> loads, Integer slots,
            Integer threads, long seedOffset, List<String> sets, List<String> sweeps, Path json, Path report,
            Path pluginsDir, boolean noBudget, String fallbackPlanner, Path calibrateFrom, boolean replayTaskLog,
            boolean parity) {
        this(scenario, planners, seeds, loads, slots, threads, seedOffset, sets, sweeps, json, report, pluginsDir, noBudget,
                fallbackPlanner, calibrateFrom, replayTaskLog, parity, null, List.of());
    }

    /** Options without {@code --parity}. */
    public SimulateOptions(String scenario, List<String> planners, int seeds, List<Double> loads, Integer slots,
            Integer threads, long seedOffset, List<String> sets, List<String> sweeps, Path json, Path report,
            Path pluginsDir, boolean noBudget, String fallbackPlanner, Path calibrateFrom, boolean replayTaskLog) {
        this(scenario, planners, seeds, loads, slots, threads, seedOffset, sets, sweeps, json, report, pluginsDir, noBudget,
                fallbackPlanner, calibrateFrom, replayTaskLog, false);
    }

    /** Options without {@code --replay-task-log}. */
    public SimulateOptions(String scenario, List<String> planners, int seeds, List<Double> loads, Integer slots,
            Integer threads, long seedOffset, List<String> sets, List<String> sweeps, Path json, Path report,
            Path pluginsDir, boolean noBudget, String fallbackPlanner, Path calibrateFrom) {
        this(scenario, planners, seeds, loads, slots, threads, seedOffset, sets, sweeps, json, report, pluginsDir, noBudget,
                fallbackPlanner, calibrateFrom, false);
    }
}
