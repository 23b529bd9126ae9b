package org.edgefm.trial.run;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgefm.api.EdgeFmException;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.SimulationRun;

/**
 * A simulation campaign's runs: every planner variant at every load for every seed, each one
 * {@link SimulationRun#run} on a fixed thread pool, with a progress bar on the error stream; the
 * results come back as one {@link SimCell} per variant and load, in the order asked for.
 */
final class SimCampaign {
    private final Scenario scenario;
    private final List<PlannerVariant> variants;
    private final List<Double> loads;
    private final int seeds;
    private final long firstSeed;
    private final SimulationRun.Options options;
    private final List<Integer> deploymentAt;

    /**
     * A campaign.
     *
     * @param deploymentAt slots at whose start each run's deployment is recorded ({@link DeploymentRecorder}); empty: none
     */
    SimCampaign(Scenario scenario, List<PlannerVariant> variants, List<Double> loads, int seeds, long firstSeed,
            SimulationRun.Options options, List<Integer> deploymentAt) {
        this.scenario = scenario;
        this.variants = variants;
        this.loads = loads;
        this.seeds = seeds;
        this.firstSeed = firstSeed;
        this.options = options;
        this.deploymentAt = deploymentAt;
    }

    /** How many runs the campaign makes. */
    int total() {
        return variants.size() * loads.size() * seeds;
    }

    /**
     * Runs them all on {@code nThreads} threads.
     *
     * @param t0 when the campaign started ({@link System#nanoTime}), for the progress bar's times
     * @throws Exception the first run's failure, as the run threw it
     */
    List<SimCell> run(int nThreads, PrintWriter err, long t0) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(nThreads);
        AtomicInteger done = new AtomicInteger();
        int total = total();
        Map<String, List<Future<Ran>>> futures = new LinkedHashMap<>();
        try {
            for (double load : loads) {
                for (PlannerVariant p : variants) {
                    List<Future<Ran>> list = new ArrayList<>();
                    for (int s = 0; s < seeds; s++) {
                        long seed = firstSeed + s;
                        list.add(pool.submit(() -> {
                            Ran r = runOne(p, seed, load);
                            progress(err, done.incrementAndGet(), total, t0);
                            return r;
                        }));
                    }
                    futures.put(key(p.label(), load), list);
                }
            }
            List<SimCell> cells = new ArrayList<>();
            for (double load : loads) {
                for (String p : variants.stream().map(PlannerVariant::label).toList()) {
                    List<SimulationRun.Outcome> runs = new ArrayList<>();
                    List<List<DeploymentRecorder.AtSlot>> deployments = new ArrayList<>();
                    for (Future<Ran> f : futures.get(key(p, load))) {
                        Ran r = unwrap(f);
                        runs.add(r.outcome());
                        if (r.deployments() != null) {
                            deployments.add(r.deployments());
                        }
                    }
                    cells.add(new SimCell(p, load, runs, deployments));
                }
            }
            return cells;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One run's outcome, and its deployments at the slots asked for (null when none were). */
    private record Ran(SimulationRun.Outcome outcome, List<DeploymentRecorder.AtSlot> deployments) {
    }

    /** One run, watched by a {@link DeploymentRecorder} when deployments were asked for. */
    private Ran runOne(PlannerVariant p, long seed, double load) {
        if (deploymentAt.isEmpty()) {
            return new Ran(SimulationRun.run(scenario, p.planner(), p.config(), seed, load, null, options), null);
        }
        DeploymentRecorder recorder = new DeploymentRecorder(scenario.run().slotMs(), deploymentAt);
        SimulationRun.Options watched = new SimulationRun.Options(options.budget(), options.fallback(), options.twin(),
                recorder, options.initial());
        SimulationRun.Outcome o = SimulationRun.run(scenario, p.planner(), p.config(), seed, load, null, watched);
        return new Ran(o, recorder.deployments());
    }

    private static String key(String planner, double load) {
        return planner + "@" + load;
    }

    private static <T> T unwrap(Future<T> f) throws Exception {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EdgeFmException x) {
                throw x;
            }
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
    }

    private static synchronized void progress(PrintWriter err, int done, int total, long t0) {
        int width = 30;
        int filled = (int) Math.round(width * (double) done / total);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double eta = done == 0 ? 0 : elapsed / done * (total - done);
        String bar = String.format(Locale.ROOT, "[%s%s] %d/%d trials, %.0f s elapsed, ~%.0f s left ", "#".repeat(filled),
                "-".repeat(width - filled), done, total, elapsed, eta);
        if (System.console() != null) {
            err.print("\r" + bar); // a terminal: one line rewritten in place
        } else if (done == total || 10 * done / total != 10 * (done - 1) / total) {
            err.println(bar); // a pipe or a log file: a line at every tenth, none rewritten
        }
        err.flush();
    }
}
