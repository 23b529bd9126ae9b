package org.edgefm.sim;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.PluginsFolder;
import org.edgefm.control.ResolvedPlanner;
import org.edgefm.scenario.RunSettings;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.wire.DesiredService;
import org.edgefm.wire.Directive;
import org.edgefm.wire.StageTiming;
import org.edgefm.wire.TaskCompletion;

/**
 * A diagnostic: where the tasks of a simulated run go, next to what the LP bound's solution serves.
 *
 * <p>Per task type: offered, rejected at arrival, unrouted, expired in a queue, late, on time, and the
 * tasks the LP bound's solution ({@link FluidLpBound#solution}) serves. Per (node, service) pair: the
 * instances deployed (averaged over the slots), the tasks started there, the estimated utilisation
 * (tasks × mean instance time {@code E[a/f]} over instance time; for a light pair at parallelism
 * {@code y} with {@code sim.parallelism-exponent} 1 a task holds an instance for {@code a/f}), and the
 * LP's tasks and busy time on the same pair. Per node: the share of each resource the deployed
 * instances hold, against the LP's.
 *
 * <p>Usage: {@code CapacityAccounting SCENARIO PLANNER FIRST_SEED SEEDS LOAD SLOTS [KEY=VALUE ...]} ({@code lp}
 * as the planner: the LP bound and its variant alone).
 * It runs with no plugin budgets (as {@code simulate --no-budget}).
 */
public final class CapacityAccounting {
    private CapacityAccounting() {
    }

    /** Runs the diagnostic and prints its tables. */
    public static void main(String[] args) {
        if (args.length < 6) {
            System.err.println("usage: CapacityAccounting SCENARIO PLANNER FIRST_SEED SEEDS LOAD SLOTS [KEY=VALUE ...]");
            System.exit(2);
        }
        Scenario base = ScenarioLoader.resolve(args[0]);
        RunSettings r = base.run();
        int slots = Integer.parseInt(args[5]);
        Map<String, Object> sim = new java.util.LinkedHashMap<>(base.planner());
        sim.put("sim.stage-timings", true); // per-stage nodes in the completions; no effect on decisions
        Scenario scenario = base.withRun(new RunSettings(r.slotMs(), slots, r.planningEpochMs(), r.seed())).withPlanner(sim);
        Map<String, String> overrides = new HashMap<>();
        for (int i = 6; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            overrides.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        PluginRegistry registry = PluginRegistry.load(CapacityAccounting.class.getClassLoader(),
                PluginsFolder.resolve(null).path());
        ResolvedPlanner planner = "lp".equals(args[1]) ? null : registry.resolve(args[1]); // lp: the bounds alone
        long first = Long.parseLong(args[2]);
        int seeds = Integer.parseInt(args[3]);
        double load = Double.parseDouble(args[4]);
        run(scenario, planner, overrides, first, seeds, load, System.out);
    }

    static void run(Scenario scenario, ResolvedPlanner planner, Map<String, String> overrides, long first, int seeds,
            double load, PrintStream out) {
        SystemModel model = scenario.model();
        List<ServiceSpec> services = model.services();
        int ns = services.size();
        List<NodeSpec> nodes = model.topology().nodes();
        Map<String, Integer> nodeIdx = new HashMap<>();
        for (int v = 0; v < nodes.size(); v++) {
            nodeIdx.put(nodes.get(v).id(), v);
        }
        Map<String, Integer> svcIdx = new HashMap<>();
        for (int m = 0; m < ns; m++) {
            svcIdx.put(services.get(m).id(), m);
        }
        Map<String, Map<String, Integer>> stageSvc = new HashMap<>();
        for (TaskType t : model.taskTypes()) {
            Map<String, Integer> st = new HashMap<>();
            for (Stage s : t.stages()) {
                st.put(s.id(), svcIdx.get(s.service()));
            }
            stageSvc.put(t.id(), st);
        }
        // mean instance time per task at speed 1: core a/f, light E[a/f] (Gamma: a/((k-1)·θ))
        double[] hold = new double[ns];
        double[] holdMean = new double[ns];
        for (int m = 0; m < ns; m++) {
            ServiceSpec s = services.get(m);
            holdMean[m] = s.workloadMb() / s.rate().mean();
            hold[m] = s.rate() instanceof RateModel.Gamma g && g.shape() > 1
                    ? s.workloadMb() / ((g.shape() - 1) * g.scale()) : holdMean[m];
        }
        Map<String, long[]> byType = new TreeMap<>(); // offered, rejected, unrouted, expired, late, onTime, other
        double[] pairTasks = new double[nodes.size() * ns];
        double[] pairInstSlots = new double[nodes.size() * ns];
        double[] pairParSlots = new double[nodes.size() * ns];
        double[] nodeHeld = new double[nodes.size() * Resource.values().length];
        Map<String, double[]> lpType = new TreeMap<>(); // served, offered
        double[] lpPairTasks = new double[nodes.size() * ns];
        double[] lpPairBusy = new double[nodes.size() * ns];
        double[] lpRates = new double[seeds];
        double[] lpMeanInverse = new double[seeds];
        double[] lpWhole = new double[seeds];
        double horizon = scenario.run().slots() * scenario.run().slotMs();
        long slotCount = 0;
        for (int k = 0; k < seeds; k++) {
            long seed = first + k;
            Map<String, DesiredState> latest = new HashMap<>();
            long[] slotsSeen = new long[1];
            SimulationRun.Observer obs = new SimulationRun.Observer() {
                @Override
                public void onDirective(double nowMs, Directive directive) {
                    latest.put(directive.nodeId(), new DesiredState(directive.desired().services()));
                }

                @Override
                public void onCompletions(List<TaskCompletion> completions) {
                    slotsSeen[0]++;
                    latest.forEach((node, d) -> {
                        int v = nodeIdx.get(node);
                        for (DesiredService s : d.services()) {
                            Integer m = svcIdx.get(s.service());
                            if (m == null) {
                                continue;
                            }
                            pairInstSlots[v * ns + m] += s.instances();
                            pairParSlots[v * ns + m] += s.instances() * (double) s.parallelism();
                            for (Resource res : Resource.values()) {
                                nodeHeld[v * Resource.values().length + res.ordinal()] +=
                                        s.instances() * services.get(m).demand().get(res);
                            }
                        }
                    });
                    for (TaskCompletion c : completions) {
                        long[] row = byType.computeIfAbsent(c.taskType(), x -> new long[7]);
                        row[0]++;
                        String e = c.error() == null ? "" : c.error();
                        if (c.success()) {
                            row[c.completedAtMs() - c.submittedAtMs() <= c.deadlineMs() ? 5 : 4]++;
                        } else if (e.startsWith("rejected")) {
                            row[1]++;
                        } else if (e.startsWith("unrouted")) {
                            row[2]++;
                        } else if (e.startsWith("deadline passed")) {
                            row[3]++;
                        } else {
                            row[6]++;
                        }
                        if (c.stages() != null) {
                            Map<String, Integer> st = stageSvc.get(c.taskType());
                            for (StageTiming t : c.stages()) {
                                Integer m = st.get(t.stage());
                                Integer v = nodeIdx.get(t.node());
                                if (m != null && v != null) {
                                    pairTasks[v * ns + m]++;
                                }
                            }
                        }
                    }
                }
            };
            Map<String, String> cfg = new HashMap<>(overrides);
            if (planner != null) {
                SimulationRun.run(scenario, planner, scenario.plannerConfig().with(cfg), seed, load, null,
                    new SimulationRun.Options(false, null, null, obs));
            }
            slotCount += slotsSeen[0];
            FluidLpBound lp = FluidLpBound.prepare(model, scenario.run().slotMs(), SimSettings.from(scenario.planner()),
                    FluidLpBound.DEFAULT_SAMPLES_PER_STREAM, scenario.run().seed());
            FluidLpBound.Solution sol = lp.solution(load, scenario.run().slots(), seed);
            lpRates[k] = sol.onTimeRate();
            lpMeanInverse[k] = lp.withMeanInverseRate().onTimeRate(load, scenario.run().slots(), seed);
            lpWhole[k] = lp.withWholeInstanceCaps().onTimeRate(load, scenario.run().slots(), seed);
            List<Demand> workload = model.workload();
            for (int s = 0; s < workload.size(); s++) {
                double[] row = lpType.computeIfAbsent(workload.get(s).taskType(), x -> new double[2]);
                row[0] += sol.served()[s];
                row[1] += sol.offered()[s];
            }
            for (int i = 0; i < lpPairTasks.length; i++) {
                lpPairTasks[i] += sol.pairTasks()[i];
                lpPairBusy[i] += sol.pairBusy()[i];
            }
        }
        double perSeedSlots = (double) slotCount / seeds;
        out.printf(Locale.ROOT, "%s, %s, load %s, seeds %d-%d, %d slots (sums over the seeds)%n", scenario.name(),
                planner == null ? "LP only" : planner.name(), load, first, first + seeds - 1, scenario.run().slots());
        out.println("| task type | offered | rejected | unrouted | expired | late | on time | other | LP serves |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        long[] tot = new long[7];
        double lpTot = 0;
        double lpOff = 0;
        for (Map.Entry<String, long[]> e : byType.entrySet()) {
            long[] row = e.getValue();
            double[] lpRow = lpType.getOrDefault(e.getKey(), new double[2]);
            out.printf(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s | %d | %s |%n", e.getKey(), row[0], pct(row[1], row[0]),
                    pct(row[2], row[0]), pct(row[3], row[0]), pct(row[4], row[0]), pct(row[5], row[0]), row[6],
                    String.format(Locale.ROOT, "%.1f%% of %.0f", 100 * lpRow[0] / lpRow[1], lpRow[1]));
            for (int i = 0; i < 7; i++) {
                tot[i] += row[i];
            }
            lpTot += lpRow[0];
            lpOff += lpRow[1];
        }
        out.printf(Locale.ROOT, "| all | %d | %s | %s | %s | %s | %s | %d | %.1f%% |%n", tot[0], pct(tot[1], tot[0]),
                pct(tot[2], tot[0]), pct(tot[3], tot[0]), pct(tot[4], tot[0]), pct(tot[5], tot[0]), tot[6], 100 * lpTot / lpOff);
        double lpMean = 0;
        for (double x : lpRates) {
            lpMean += x / seeds;
        }
        double lpInv = 0;
        for (double x : lpMeanInverse) {
            lpInv += x / seeds;
        }
        double lpW = 0;
        for (double x : lpWhole) {
            lpW += x / seeds;
        }
        out.printf(Locale.ROOT, "LP bound (mean over the seeds): %.2f%%; with whole-instance caps per pair (still a bound):"
                + " %.2f%%; with light instance time E[a/f] (a diagnostic, not a bound): %.2f%%%n%n", 100 * lpMean, 100 * lpW,
                100 * lpInv);
        out.println("| pair | kind | instances (mean) | parallelism | tasks started | busy instances E[a/f] "
                + "| busy instances a/E[f] | LP tasks | LP busy instances a/E[f] |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        double instTime = horizon * seeds;
        for (int v = 0; v < nodes.size(); v++) {
            for (int m = 0; m < ns; m++) {
                int i = v * ns + m;
                double inst = pairInstSlots[i] / Math.max(1, slotCount);
                if (inst == 0 && pairTasks[i] == 0 && lpPairTasks[i] < 0.5) {
                    continue;
                }
                // speed factor 1 everywhere on the paper-table1 scenarios
                out.printf(Locale.ROOT, "| %s/%s | %s | %.2f | %.1f | %.0f | %.2f | %.2f | %.0f | %.2f |%n",
                        nodes.get(v).id(), services.get(m).id(), services.get(m).kind() == ServiceKind.CORE ? "core" : "light",
                        inst, inst == 0 ? 0 : pairParSlots[i] / pairInstSlots[i], pairTasks[i], pairTasks[i] * hold[m] / instTime,
                        pairTasks[i] * holdMean[m] / instTime, lpPairTasks[i], lpPairBusy[i] / instTime);
            }
        }
        out.println();
        out.println("| node | resource | held by deployed instances (mean) | LP busy share of capacity |");
        out.println("|---|---|---|---|");
        int nr = Resource.values().length;
        for (int v = 0; v < nodes.size(); v++) {
            for (Resource res : Resource.values()) {
                double cap = nodes.get(v).capacity().get(res);
                if (cap <= 0) {
                    continue;
                }
                double held = nodeHeld[v * nr + res.ordinal()] / Math.max(1, slotCount) / cap;
                double lpBusy = 0;
                for (int m = 0; m < ns; m++) {
                    lpBusy += lpPairBusy[v * ns + m] * services.get(m).demand().get(res);
                }
                lpBusy /= cap * instTime;
                out.printf(Locale.ROOT, "| %s | %s | %.0f%% | %.0f%% |%n", nodes.get(v).id(), res.name().toLowerCase(Locale.ROOT),
                        100 * held, 100 * lpBusy);
            }
        }
        out.printf(Locale.ROOT, "(%.0f slots per seed observed)%n", perSeedSlots);
    }

    private static String pct(long a, long b) {
        return String.format(Locale.ROOT, "%.1f%%", b == 0 ? 0 : 100.0 * a / b);
    }

    private record DesiredState(List<DesiredService> services) {
    }
}
