package org.edgefm.sim.calibration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.sim.RecordedReadings;
import org.edgefm.sim.SharedCores;
import org.edgefm.sim.Twin;

/**
 * Turns a {@link Calibration} into the simulator's {@link Twin}: the service-time samples and their
 * timeline per station (shared cores, the warm-up kept apart, unmeasured stations handled), the median
 * preloads, the hop overheads, the task log to replay and the live host's recorded readings.
 */
final class TwinBuilder {
    private TwinBuilder() {
    }

    /**
     * The twin of {@link Calibration#twin(boolean)}; with {@code scenario} and {@value Twin#UNMEASURED_KEY} =
     * {@code same-service} (its planner section; the default), a (node, service) of the trial's nodes
     * that served no stage takes the same service's measured times at the other nodes, scaled by
     * the ratio of the two agents' kernel calibrations for the service's kernel kind (1 where either
     * is unknown), instead of the scenario's model: the model rates a device profile, not the
     * hardware the trial ran on.
     */
    static Twin twin(Calibration c, boolean replayTaskLog, Scenario scenario) {
        Map<String, double[]> service = new HashMap<>();
        c.stations().forEach(s -> service.put(Twin.key(s.node(), s.service()), s.serviceMs().samplesMs()));
        Twin.Timeline timeline = timeline(c);
        Map<String, ?> planner = scenario == null ? Map.of() : scenario.planner();
        if (SharedCores.cores(planner) > 0 && !timeline.service().isEmpty()) {
            // the stations share the machine's cores in the twin: draw work, not the wall times measured
            Map<String, Twin.Series> work = SharedCores.deflate(timeline.service(), planner);
            work.forEach((k, v) -> service.put(k, v.ms()));
            timeline = new Twin.Timeline(work, timeline.ingress(), timeline.localHop(), timeline.remoteHop());
        }
        double warmupEnd = warmupEndMs(c, planner);
        if (warmupEnd > 0 && !timeline.service().isEmpty()) {
            // a station's steady state is what it measured after the warm-up; its warm-up samples are drawn
            // during the twin's warm-up only, and a station with none after it takes a substitute (SteadyStations)
            SteadyStations.Split split = SteadyStations.split(timeline.service(), warmupEnd, c, scenario);
            for (String k : split.warm().keySet()) {
                // a station measured during the warm-up: its pooled samples are its steady ones (or the substitute's)
                Twin.Series steady = split.steady().get(k);
                if (steady == null) {
                    service.remove(k);
                } else {
                    service.put(k, steady.ms());
                }
            }
            timeline = new Twin.Timeline(split.steady(), timeline.ingress(), timeline.localHop(), timeline.remoteHop(),
                    split.warm(), warmupEnd);
        }
        if (scenario != null && Twin.unmeasuredFromSameService(scenario.planner())) {
            Map<String, Twin.Series> series = new HashMap<>(timeline.service());
            List<String> nodes = c.workload().nodes().isEmpty() ? scenario.topology().nodes().stream().map(NodeSpec::id).toList()
                    : c.workload().nodes();
            for (org.edgefm.api.model.ServiceSpec spec : scenario.services()) {
                String kind = spec.kernel() == null ? null : spec.kernel().kind();
                for (String n : nodes) {
                    if (service.containsKey(Twin.key(n, spec.id()))) {
                        continue;
                    }
                    List<Double> pooled = new ArrayList<>();
                    List<double[]> timed = new ArrayList<>();
                    for (Station s : c.stations()) {
                        if (!s.service().equals(spec.id()) || s.node().equals(n)) {
                            continue;
                        }
                        double[] measured = service.get(Twin.key(s.node(), s.service()));
                        if (measured == null) {
                            continue;
                        }
                        double f = scale(c, s.node(), n, kind);
                        for (double x : measured) {
                            pooled.add(x * f);
                        }
                        Twin.Series t = timeline.service().get(Twin.key(s.node(), s.service()));
                        for (int i = 0; t != null && i < t.size(); i++) {
                            timed.add(new double[] {t.atMs()[i], t.ms()[i] * f});
                        }
                    }
                    if (!pooled.isEmpty()) {
                        service.put(Twin.key(n, spec.id()), pooled.stream().mapToDouble(Double::doubleValue).toArray());
                        if (!timed.isEmpty()) {
                            series.put(Twin.key(n, spec.id()), series(timed));
                        }
                    }
                }
            }
            timeline = new Twin.Timeline(series, timeline.ingress(), timeline.localHop(), timeline.remoteHop(),
                    timeline.warmService(), timeline.warmupEndMs());
        }
        Map<String, Double> preload = new HashMap<>();
        c.preloads().forEach(p -> {
            if (p.preloadMs().length > 0) {
                preload.put(Twin.key(p.node(), p.service()), p.medianMs());
            }
        });
        List<Twin.Arrival> log = null;
        if (replayTaskLog) {
            log = new ArrayList<>(c.taskLog().size());
            for (Task t : c.taskLog()) {
                log.add(new Twin.Arrival(t.atMs(), t.user(), t.taskType()));
            }
        }
        // a replay of the trial's own arrivals runs on its clock: its planners may see what the live host saw
        RecordedReadings readings = replayTaskLog && c.observed() != null && RecordedReadings.recorded(planner)
                ? c.observed().readings() : null;
        return new Twin(service, preload, c.overheads().ingressMs().samplesMs(), c.overheads().localHopMs().samplesMs(),
                c.overheads().remoteHopMs().samplesMs(), log, timeline, readings);
    }

    /**
     * Where the twin's warm-up ends: the file's {@link WarmupCut} (older files: the report's first
     * window), or 0 with {@value Twin#WARMUP_KEY} = {@code mixed} (every sample drawn all run, as before).
     */
    static double warmupEndMs(Calibration c, Map<String, ?> planner) {
        if (!Twin.warmupApart(planner)) {
            return 0;
        }
        return c.warmup() != null ? c.warmup().endMs() : c.workload().windowMs();
    }

    /** Time at {@code to} per time at {@code from} for a kernel kind: their calibrated rates' ratio, or 1. */
    static double scale(Calibration c, String from, String to, String kind) {
        Double a = kind == null ? null : c.kernels().getOrDefault(from, Map.of()).get(kind);
        Double b = kind == null ? null : c.kernels().getOrDefault(to, Map.of()).get(kind);
        return a == null || b == null ? 1 : a / b;
    }

    /**
     * The measurements of the task log's completed tasks with the times they were taken (service
     * times per node and service by stage start, ingress overheads by submission, hop overheads by
     * the parent's end), for a twin's draws local in time; {@link Twin.Timeline#NONE} when the log
     * holds no stage (files of earlier versions).
     */
    static Twin.Timeline timeline(Calibration c) {
        Map<String, List<double[]>> service = new HashMap<>();
        List<double[]> ingress = new ArrayList<>();
        List<double[]> local = new ArrayList<>();
        List<double[]> remote = new ArrayList<>();
        for (Task t : c.taskLog()) {
            for (StageRun r : t.stages()) {
                service.computeIfAbsent(Twin.key(r.node(), r.service()), k -> new ArrayList<>())
                        .add(new double[] {r.startMs(), r.serviceMs()});
                double overhead = Math.max(0, r.overheadMs());
                switch (r.hop()) {
                    case "ingress" -> ingress.add(new double[] {t.atMs(), overhead});
                    case "local" -> local.add(new double[] {Math.max(0, r.queuedMs() - overhead), overhead});
                    default -> remote.add(new double[] {Math.max(0, r.queuedMs() - overhead), overhead});
                }
            }
        }
        if (service.isEmpty()) {
            return Twin.Timeline.NONE;
        }
        Map<String, Twin.Series> bySt = new HashMap<>();
        service.forEach((k, v) -> bySt.put(k, series(v)));
        return new Twin.Timeline(bySt, series(ingress), series(local), series(remote));
    }

    static Twin.Series series(List<double[]> timed) {
        timed.sort((x, y) -> Double.compare(x[0], y[0]));
        double[] at = new double[timed.size()];
        double[] ms = new double[timed.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = timed.get(i)[0];
            ms[i] = timed.get(i)[1];
        }
        return new Twin.Series(at, ms);
    }

}
