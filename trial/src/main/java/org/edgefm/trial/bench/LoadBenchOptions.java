package org.edgefm.trial.bench;

import java.nio.file.Path;

/**
 * What {@code edgefm bench load} was asked for: one field per command-line option, as given (durations
 * as typed: {@code 60s}, {@code 10m}, {@code 90}); a null field is an option not given.
 *
 * @param agents            {@code --agents}: virtual agents, one per node of the scaled scenario
 * @param duration          {@code --duration}: the measured window after the fleet joined
 * @param scenario          {@code --scenario}: the cell repeated to N nodes
 * @param planner           {@code --planner}: a preset or CORE+LIGHT
 * @param broker            {@code --broker}: an external broker ({@code tcp://host:port}), or null for the embedded one
 * @param telemetryPeriod   {@code --telemetry-period}: every agent's telemetry period
 * @param planningEpoch     {@code --planning-epoch}: the core re-placement period ({@code 0}: at start and on loss only)
 * @param coreBudget        {@code --core-budget}: one core placement's time budget
 * @param json              {@code --json}: the figures' file, or null
 * @param pluginsDir        {@code --plugins-dir}: the plugin jars' folder, or null for the default
 * @param agentsNice        {@code --agents-nice}: the niceness the agents' process runs at (0-19), or null for
 *                          {@link LoadBenchRunner#DEFAULT_AGENTS_NICE}
 * @param virtualAgentsMain the main class whose {@code bench virtual-agents} command runs the agents'
 *                          process (on this process's class path)
 */
public record LoadBenchOptions(int agents, String duration, String scenario, String planner, String broker,
        String telemetryPeriod, String planningEpoch, String coreBudget, Path json, Path pluginsDir,
        Integer agentsNice, String virtualAgentsMain) {
}
