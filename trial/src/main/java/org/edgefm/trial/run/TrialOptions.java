package org.edgefm.trial.run;

import java.nio.file.Path;

/**
 * What {@code edgefm trial} was asked for: one field per command-line option, as given (durations and
 * the impairment still as text; {@link TrialRunner} checks them and says which option is wrong).
 * A null field is an option that was not given and has no default.
 *
 * @param scenario         {@code --scenario}: a scenario file or built-in name
 * @param agents           {@code --agents}: agent processes to start, or null (3; 0 with {@code --existing})
 * @param existing         {@code --existing}: drive an existing fleet (as {@code --agents 0})
 * @param fleet            {@code --fleet}: the fleet's topic level, or null for the default
 * @param waitFor          {@code --wait-for}: with {@code --agents 0}, agents to wait for, or null
 * @param waitTimeout      {@code --wait-timeout}: how long to wait for the agents (a duration)
 * @param brokerPort       {@code --broker-port}: with {@code --agents 0}, the embedded broker's port, or null
 * @param hostConfig       {@code --host-config}: with {@code --agents 0}, a host configuration file, or null
 * @param bind             {@code --bind}: the embedded broker's bind address, or null
 * @param duration         {@code --duration}: how long the workload runs (a duration)
 * @param planner          {@code --planner}: a preset or CORE+LIGHT
 * @param broker           {@code --broker}: an external broker's URL, or null for the embedded one
 * @param brokerAccounts   {@code --broker-accounts}: USER:PASSWORD lines, or null
 * @param out              {@code --out}: the run folder, or null for trials/SCENARIO-TIME
 * @param json             {@code --json}: also write the summary here, or null
 * @param report           {@code --report}: also write the HTML report here, or null
 * @param impair           {@code --impair}: [NODE:]PROFILE[@START[-END]]
 * @param progressInterval {@code --progress-interval}: off a terminal, time between progress lines
 * @param modelDir         {@code --model-dir}: a model folder in the Hugging Face layout (the trial makes its scenario),
 *                         or the agents' weights folder, or null (seeded weights)
 * @param pluginsDir       {@code --plugins-dir}: the plugin jars' folder, or null for the default
 * @param fallbackPlanner  {@code --fallback-planner}: the light controller while the planner's never decided
 * @param warmup           {@code --warmup}: wait or separate
 * @param readyTimeout     {@code --ready-timeout}: the longest wait for a ready fleet (a duration)
 * @param shadow           {@code --shadow}: a planner run in shadow mode, or null
 * @param cut              {@code --cut}: with a model folder, the core parts (a count or block ranges), or null
 * @param noParity         {@code --no-parity}: skip the replay through the calibrated simulator
 * @param labels           {@code --labels}: a CLIP model folder's zero-shot labels (a list or a file), or null
 * @param labelPrompt      {@code --label-prompt}: the prompt the labels go into, or null
 * @param images           {@code --images}: a folder of images for the vision models, or null (generated images)
 * @param newTokens        {@code --new-tokens}: tokens each generation of a decoder makes, or null (8)
 * @param stopAtEos        {@code --stop-at-eos}: generations end at the model's end-of-sequence token
 * @param topK             {@code --top-k}: generations draw among the K best tokens, or null (greedy)
 * @param temperature      {@code --temperature}: the draw's temperature, or null (1)
 * @param sampleSeed       {@code --sample-seed}: the draws' seed, or null (0)
 */
public record TrialOptions(String scenario, Integer agents, boolean existing, String fleet, Integer waitFor,
        String waitTimeout, Integer brokerPort, Path hostConfig, String bind, String duration, String planner,
        String broker, Path brokerAccounts, Path out, Path json, Path report, String impair, String progressInterval,
        Path modelDir, Path pluginsDir, String fallbackPlanner, String warmup, String readyTimeout, String shadow,
        String cut, boolean noParity, String labels, String labelPrompt, Path images, Integer newTokens, boolean stopAtEos,
        Integer topK, Double temperature, Long sampleSeed) {
}
