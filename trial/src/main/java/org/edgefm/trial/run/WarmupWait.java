package org.edgefm.trial.run;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.edgefm.host.PlannerHost;
import org.edgefm.trial.FleetReadiness;
import org.edgefm.trial.TrialMonitor;
import org.edgefm.trial.Warmup;

/**
 * The trial's side of warm-up honesty: checks {@link FleetReadiness} against the host's loop and the
 * trial's monitor, waits for it before the workload ({@code --warmup wait}), or notes during the
 * workload when the fleet became ready ({@code --warmup separate}, or after the wait timed out), and
 * says so on the console.
 */
final class WarmupWait {
    private final PlannerHost host;
    private final TrialMonitor monitor;
    private final Supplier<List<String>> nodes;
    private final Warmup warmup;
    private final TrialConsole console;

    /**
     * @param nodes the agents taking part (read at each check: an existing fleet's online agents)
     */
    WarmupWait(PlannerHost host, TrialMonitor monitor, Supplier<List<String>> nodes, Warmup warmup, TrialConsole console) {
        this.host = host;
        this.monitor = monitor;
        this.nodes = nodes;
        this.warmup = warmup;
        this.console = console;
    }

    /** One check now; returns true when the fleet is (or was already) ready. */
    boolean poll() {
        if (warmup.ready()) {
            return true;
        }
        FleetReadiness.State s = FleetReadiness.check(FleetReadiness.Loop.of(host.loop()), nodes.get(), monitor);
        warmup.check(s, System.currentTimeMillis(), monitor.maxPreloadMs());
        return s.ready();
    }

    /**
     * Waits until the fleet is ready, at most {@code timeoutMs}; on a timeout the workload starts anyway and
     * the results are separated. Prints when the fleet was ready (or that it was not).
     */
    void await(long timeoutMs, AtomicBoolean stop) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!stop.get() && !poll()) {
            console.status("waiting for a ready fleet: " + warmup.status());
            if (System.currentTimeMillis() > deadline) {
                warmup.timedOut();
                console.endProgress();
                console.log(String.format(Locale.ROOT, "warning: the fleet was not ready after %d s (%s); the workload"
                        + " starts now and the report separates the tasks before and after the fleet became ready",
                        timeoutMs / 1000, warmup.status()));
                return;
            }
            Thread.sleep(250);
        }
        console.endProgress();
        if (warmup.ready()) {
            console.log(warmup.readyLine());
        }
    }

    /** During the workload: checks once, and says when the fleet just became ready. */
    void duringWorkload() {
        if (!warmup.ready() && poll()) {
            console.log(warmup.readyLine());
        }
    }
}
