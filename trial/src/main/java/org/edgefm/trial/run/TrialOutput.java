package org.edgefm.trial.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.edgefm.control.PluginHealth;
import org.edgefm.control.PluginRegistry;
import org.edgefm.scenario.Scenario;
import org.edgefm.trial.Agreement;
import org.edgefm.trial.Generations;
import org.edgefm.trial.PluginsSection;
import org.edgefm.trial.RunConditions;
import org.edgefm.trial.ShadowSection;
import org.edgefm.trial.TrialMonitor;
import org.edgefm.trial.TrialSummary;
import org.edgefm.trial.Warmup;
import org.edgefm.trial.parity.ParitySection;
import org.edgefm.trial.parity.TrialParity;
import org.edgefm.trial.report.ReportWriter;

/**
 * A trial's results once it ended: the summary and its sections on the console (warnings, agreement,
 * warm-up, shadow planner, plugin calls, parity with the calibrated twin), {@code summary.json} and the
 * HTML report in the run folder (and {@code --json} / {@code --report}), and the verdict.
 */
final class TrialOutput {
    private final TrialPlan plan;
    private final Agreement agreement;
    private final Generations generations;
    private final Warmup warmup;
    private final ShadowSection shadowSection;
    private final PluginHealth pluginHealth;
    /** The trial's parity with its calibrated twin, or null before {@link #write} made it. */
    private ParitySection parity;

    /**
     * @param warmup        the fleet's warm-up, or null when the trial stopped before it began
     * @param shadowSection the shadow planner's books, or null
     * @param pluginHealth  the plugin calls' books taken from the host's loop, or null
     */
    TrialOutput(TrialPlan plan, Agreement agreement, Generations generations, Warmup warmup, ShadowSection shadowSection,
            PluginHealth pluginHealth) {
        this.plan = plan;
        this.agreement = agreement;
        this.generations = generations;
        this.warmup = warmup;
        this.shadowSection = shadowSection;
        this.pluginHealth = pluginHealth;
    }

    /**
     * Prints the summary and its sections, writes the results, and says where they are.
     *
     * @param chartsMissing why the report cannot be drawn, or null
     * @return the exit code: 0, or {@link TrialRunner#EXIT_FAILED} when the plugin calls' verdict is that the trial failed
     */
    int write(TrialMonitor monitor, Scenario scenario, Path run, String chartsMissing, PrintWriter out) throws IOException {
        TrialSummary summary = monitor.summary(plan.planner, plan.broker == null ? "embedded" : plan.broker);
        summary.print(out);
        for (String warning : monitor.conditions().warnings(monitor.serviceKernels())) {
            out.println("warning: " + warning);
        }
        Map<String, Double> deadlines = new LinkedHashMap<>();
        scenario.taskTypes().forEach(t -> deadlines.put(t.id(), t.deadlineMs()));
        agreement.print(out);
        if (generations != null) {
            generations.print(out);
        }
        if (warmup != null) {
            warmup.lines(monitor).forEach(out::println);
        }
        if (shadowSection != null) {
            out.println();
            shadowSection.lines().forEach(out::println);
        }
        if (pluginHealth != null) {
            out.println();
            PluginsSection.lines(Map.of(plan.planner, pluginHealth)).forEach(out::println);
        }
        parity = TrialParity.after(monitor.trialLog().withReadyMs(warmup == null ? -1 : warmup.readyAtMs()), scenario, plan.planner, plan.fallbackPlanner, plan.shadow,
                () -> PluginRegistry.load(TrialRunner.class.getClassLoader(), TrialHostConfig.pluginsFolder(plan.pluginsDir)),
                run, !plan.noParity);
        out.println();
        parity.lines().forEach(out::println);
        writeResults(summary, run, chartsMissing, out, deadlines, monitor);
        String verdict = pluginHealth == null ? null : pluginHealth.verdict(summary.completed(), summary.submitted());
        if (verdict != null) {
            out.println(verdict);
            return TrialRunner.EXIT_FAILED;
        }
        return 0;
    }

    /**
     * The summary's JSON with the run conditions (workload length, machine, warnings), the {@code plugins}
     * section (calls, failures by reason, slots on the fallback) and, for real models, {@code agreement}.
     */
    private String summaryJson(TrialSummary summary, TrialMonitor monitor) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode j = summary.toJson();
        monitor.conditions().addTo(j, monitor.serviceKernels());
        if (pluginHealth != null) {
            j.set("plugins", om.valueToTree(PluginsSection.json(pluginHealth)));
        }
        agreement.addTo(j);
        if (generations != null) {
            generations.addTo(j);
        }
        if (warmup != null) {
            warmup.addTo(j, monitor);
        }
        if (shadowSection != null) {
            shadowSection.addTo(j);
        }
        if (parity != null) {
            parity.addTo(j);
        }
        return om.writerWithDefaultPrettyPrinter().writeValueAsString(j) + "\n";
    }

    private static void writeText(Path file, String text) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private ReportWriter withPlugins(ReportWriter w) {
        if (pluginHealth != null) {
            PluginsSection.addTo(w, Map.of(plan.planner, pluginHealth));
        }
        return w;
    }

    /** The report's "Run conditions" section: workload length, machine load, warnings. */
    private static String conditionsHtml(TrialMonitor monitor) {
        var doc = new ObjectMapper().createObjectNode();
        monitor.conditions().addTo(doc, monitor.serviceKernels());
        var m = doc.path("machine");
        StringBuilder h = new StringBuilder("<p>").append(ReportWriter.esc(String.format(Locale.ROOT,
                "Workload: %.1f s of %s s planned%s. Machine: %d cores; load average (1 min) %s before the trial, %s on average"
                        + " during the workload (max %s); CPU busy %s %%, stolen by the hypervisor %s %% (from %s). Kernel"
                        + " times are compared with each agent's calibration; more than %.0f %% slower is reported.",
                doc.path("workload").path("actualS").asDouble(), doc.path("workload").path("plannedS").asText(),
                doc.path("interrupted").asBoolean() ? " (interrupted)" : "", m.path("cores").asInt(),
                m.path("loadAvg1Before").asText(), m.path("loadAvg1During").path("mean").asText(),
                m.path("loadAvg1During").path("max").asText(), m.path("cpuBusyPct").asText(), m.path("cpuStealPct").asText(),
                m.path("source").asText(), 100 * RunConditions.CALIBRATION_MARGIN))).append("</p>");
        for (var w : doc.path("warnings")) {
            h.append("<p><strong>Warning:</strong> ").append(ReportWriter.esc(w.asText())).append("</p>");
        }
        return h.toString();
    }

    /** Writes summary.json and report/index.html into the run folder (and --json / --report), then says where. */
    private void writeResults(TrialSummary summary, Path run, String chartsMissing, PrintWriter out,
            Map<String, Double> deadlines, TrialMonitor monitor) throws IOException {
        Path summaryJson = run.resolve("summary.json");
        String text = summaryJson(summary, monitor);
        writeText(summaryJson, text);
        if (plan.json != null) {
            writeText(plan.json, text);
            out.println("wrote " + plan.json);
        }
        Path index = null;
        if (chartsMissing == null) {
            String conditions = conditionsHtml(monitor);
            ReportWriter page = withPlugins(agreement.insertInto(summary.report(deadlines), "EdgeFM trial: " + summary.scenario())
                    .section("Run conditions", conditions));
            if (warmup != null) {
                warmup.addTo(page, monitor);
            }
            if (shadowSection != null) {
                shadowSection.addTo(page);
            }
            if (parity != null) {
                parity.addTo(page);
            }
            index = page.write(run.resolve("report"));
            if (plan.report != null) {
                out.println("wrote " + page.write(plan.report));
            }
        }
        out.println();
        out.println("report:  " + (index != null ? index : "not written: " + chartsMissing));
        out.println("summary: " + summaryJson);
        out.println("logs:    " + run.resolve("host.log") + " (host and broker), " + run.resolve("agents")
                + File.separator + "NODE.log");
        out.flush();
    }
}
