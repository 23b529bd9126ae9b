package org.edgefm.planner.twotier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.spi.DemandEstimate;
import org.edgefm.api.spi.Reason;
import org.edgefm.planner.latency.LatencyModel;
import org.edgefm.planner.latency.MeanValueRouting;
import org.edgefm.planner.latency.NetworkPaths;

/**
 * The mean-value estimates of paper 1, Sec. III-A, per (node, core service): the load
 * {@code z̃_{v,m}} apportioned by exponential decay of the preceding latency and the QoS score
 * {@code Q_{v,m}}, from the preceding ({@code d^pr}), current ({@code d^cu}) and succeeding
 * ({@code d^su}) latencies of every task stream that needs the service.
 */
public final class CoreEstimates {
    /** Online node ids, in topology order; indices below refer to this list. */
    public final List<String> nodes;
    /** Core service ids (every core service of the catalog), in catalog order. */
    public final List<String> services;
    /** {@code z̃_{v,m}} in instances (see {@code sparse-ip.demand-mode}). */
    public final double[][] load;
    /** {@code Q_{v,m}} in [0, 1]. */
    public final double[][] qos;
    /** Mean preceding latency {@code d^pr} per (v, m), rate-weighted over streams; NaN where never reachable. */
    public final double[][] preceding;
    /** {@code Λ_m}: total rate (tasks/ms) of stage visits that need each core service, hostable or not. */
    public final double[] rate;
    /** Notes found while estimating (missing demand, unknown users). */
    public final List<Reason> notes;

    private CoreEstimates(List<String> nodes, List<String> services, List<Reason> notes) {
        this.nodes = nodes;
        this.services = services;
        this.load = new double[nodes.size()][services.size()];
        this.qos = new double[nodes.size()][services.size()];
        this.preceding = new double[nodes.size()][services.size()];
        this.rate = new double[services.size()];
        this.notes = notes;
    }

    /** A task stream: all users of one device generating one task type. */
    record Stream(String origin, TaskType type, double rate, double uplinkMs) {
    }

    /**
     * Computes the estimates.
     *
     * @param model    the system
     * @param demand   long-term arrival rates; empty = the model's declared workload (noted)
     * @param offline  nodes that must not host anything
     * @param s        settings
     */
    public static CoreEstimates compute(SystemModel model, List<DemandEstimate> demand, Set<String> offline, CoreSettings s) {
        List<Reason> notes = new ArrayList<>();
        NetworkPaths paths = new NetworkPaths(model.topology(), s.kmPerMs(), offline);
        LatencyModel latency = new LatencyModel(model, paths, s.meanChannel(), s.leafInput());
        List<String> online = new ArrayList<>();
        for (NodeSpec n : model.topology().nodes()) {
            if (!offline.contains(n.id())) {
                online.add(n.id());
            }
        }
        List<String> core = model.services(ServiceKind.CORE).stream().map(ServiceSpec::id).toList();
        CoreEstimates e = new CoreEstimates(online, core, notes);
        Map<String, Integer> coreIndex = new HashMap<>();
        for (int i = 0; i < core.size(); i++) {
            coreIndex.put(core.get(i), i);
        }
        List<Stream> streams = streams(model, demand, latency, notes);
        // Λ_m: total rate of stage visits needing core service m (to normalise Q into [0, 1])
        double[] total = new double[core.size()];
        for (Stream st : streams) {
            for (Stage stage : st.type().stages()) {
                Integer m = coreIndex.get(stage.service());
                if (m != null) {
                    total[m] += st.rate();
                }
            }
        }
        System.arraycopy(total, 0, e.rate, 0, total.length);
        double[][] precWeight = new double[online.size()][core.size()];
        int[] toOnline = new int[paths.size()];
        Map<String, Integer> onlineIndex = new HashMap<>();
        for (int i = 0; i < online.size(); i++) {
            onlineIndex.put(online.get(i), i);
        }
        for (int v = 0; v < paths.size(); v++) {
            toOnline[v] = onlineIndex.getOrDefault(paths.node(v).id(), -1);
        }
        HostCandidates hosts = new HostCandidates(paths, s.allLightCandidates());
        for (Stream st : streams) {
            int origin = paths.indexOf(st.origin());
            if (paths.isExcluded(origin)) {
                notes.add(new Reason("origin-offline", "device " + st.origin() + " is offline; its " + st.type().id()
                        + " stream is left out of the estimates"));
                continue;
            }
            double leafMb = latency.leafInputMb(st.type());
            // assumption (sparse-ip.candidates-per-origin): a stream's stages are analysed on the K hosts
            // nearest to its origin only; the other nodes would get a small share of z̃ and Q at most
            MeanValueRouting r = MeanValueRouting.analyse(latency, st.type(), origin, st.uplinkMs(),
                    stage -> paths.nearest(origin, hosts.candidates(latency.service(stage.service()), origin),
                            s.candidatesPerOrigin(), leafMb));
            for (Stage stage : st.type().stages()) {
                Integer m = coreIndex.get(stage.service());
                if (m == null) {
                    continue;
                }
                ServiceSpec svc = latency.service(stage.service());
                int[] cand = r.candidates(stage.id());
                double su = succeeding(latency, st.type(), stage);
                double minPr = Double.POSITIVE_INFINITY;
                for (int j = 0; j < cand.length; j++) {
                    minPr = Math.min(minPr, r.preceding(stage.id(), j));
                }
                if (minPr == Double.POSITIVE_INFINITY) {
                    continue;
                }
                double[] w = new double[cand.length];
                double wsum = 0;
                for (int j = 0; j < cand.length; j++) {
                    double pr = r.preceding(stage.id(), j);
                    // assumption: z̃ apportions the rate by exp(-β d^pr), a softmax over hosting nodes
                    w[j] = pr == Double.POSITIVE_INFINITY ? 0 : Math.exp(-s.beta() * (pr - minPr));
                    wsum += w[j];
                }
                for (int j = 0; j < cand.length; j++) {
                    int v = toOnline[cand[j]];
                    double pr = r.preceding(stage.id(), j);
                    if (pr == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    double cu = LatencyModel.meanProcessingMs(svc, paths.node(cand[j]));
                    // assumption: eq. (10) counts tasks in service, so z̃ is rate × holding time (Little's law)
                    // by default, or rate × Δt with sparse-ip.demand-mode = per-slot
                    double hold = s.demandMode().equals("concurrent") ? cu : s.slotMs();
                    e.load[v][m] += st.rate() * w[j] / wsum * hold * s.headroom();
                    double d = st.type().deadlineMs();
                    double t = pr + cu + su;
                    // assumption: Q is the rate-share-weighted normalised deadline slack (or exp(-T/D))
                    double score = s.qosScore().equals("slack") ? Math.max(0, d - t) / d : Math.exp(-t / d);
                    e.qos[v][m] += st.rate() / total[m] * score;
                    e.preceding[v][m] += st.rate() * pr;
                    precWeight[v][m] += st.rate();
                }
            }
        }
        for (int v = 0; v < online.size(); v++) {
            for (int m = 0; m < core.size(); m++) {
                e.preceding[v][m] = precWeight[v][m] > 0 ? e.preceding[v][m] / precWeight[v][m] : Double.NaN;
            }
        }
        return e;
    }

    /** {@code d^su}: Σ over the stage's descendants of {@code a/f̄} (paper 1, Sec. III-A; computation only). */
    static double succeeding(LatencyModel latency, TaskType type, Stage stage) {
        double su = 0;
        Stage s = stage;
        while (!s.isSink()) {
            s = type.stage(s.next());
            ServiceSpec m = latency.service(s.service());
            su += m.workloadMb() / m.rate().mean();
        }
        return su;
    }

    /**
     * The candidate hosts of a stage in the mean-value analysis, per service and origin: the nodes that may
     * host the service (online, with room, by kind) are found once per service, and each stream keeps those its
     * origin reaches, ascending by index (a scan of every node per stream and stage was a tenth of the
     * estimates' time at 1,000 nodes and 750 streams).
     */
    static final class HostCandidates {
        private final NetworkPaths paths;
        private final boolean allLight;
        private final Map<String, int[]> base = new HashMap<>();

        HostCandidates(NetworkPaths paths, boolean allLight) {
            this.paths = paths;
            this.allLight = allLight;
        }

        /** The nodes {@code origin} reaches that may host {@code svc}: the origin itself, for a light service, whatever its kind. */
        int[] candidates(ServiceSpec svc, int origin) {
            int[] b = base.computeIfAbsent(svc.id(), k -> hosts(svc));
            boolean light = svc.kind() == ServiceKind.LIGHT;
            // a device may run a light stage of its own streams only (unless every node may): the origin joins in order
            boolean originToo = light && !allLight && !paths.isExcluded(origin) && paths.node(origin).kind() == NodeKind.DEVICE
                    && svc.demand().fitsIn(paths.node(origin).capacity());
            // a node the origin cannot reach gets an infinite d^pr and no share of z̃ or Q: left out
            int[] out = paths.reachableFrom(origin, b, originToo);
            if (out.length == 0 && light && !paths.isExcluded(origin)) {
                return new int[] {origin};
            }
            return out;
        }

        /** The online nodes with room for the service, devices left out for a light one (unless every node may run it). */
        private int[] hosts(ServiceSpec svc) {
            List<Integer> out = new ArrayList<>();
            for (int v = 0; v < paths.size(); v++) {
                if (paths.isExcluded(v)) {
                    continue;
                }
                NodeSpec n = paths.node(v);
                if (!svc.demand().fitsIn(n.capacity())) {
                    continue;
                }
                if (svc.kind() == ServiceKind.LIGHT && !allLight && n.kind() == NodeKind.DEVICE) {
                    continue;
                }
                out.add(v);
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Groups demand by (user device, task type), with a rate-weighted mean uplink. */
    static List<Stream> streams(SystemModel model, List<DemandEstimate> demand, LatencyModel latency, List<Reason> notes) {
        List<DemandEstimate> d = demand;
        if (d.isEmpty()) {
            d = new ArrayList<>();
            for (Demand w : model.workload()) {
                d.add(new DemandEstimate(w.user(), w.taskType(), w.arrivals().meanRatePerMs()));
            }
            if (!d.isEmpty()) {
                notes.add(new Reason("declared-demand", "no demand estimates given; using the scenario's declared workload"));
            }
        }
        Map<String, UserSpec> users = new HashMap<>();
        for (UserSpec u : model.users()) {
            users.put(u.id(), u);
        }
        Map<String, double[]> acc = new LinkedHashMap<>();
        Map<String, TaskType> types = new HashMap<>();
        for (DemandEstimate de : d) {
            UserSpec u = users.get(de.user());
            TaskType t;
            try {
                t = model.taskType(de.taskType());
            } catch (IllegalArgumentException ex) {
                t = null;
            }
            if (u == null || t == null) {
                notes.add(new Reason("unknown-demand", "demand for user '" + de.user() + "' and task type '" + de.taskType()
                        + "' names something not in the model; ignored"));
                continue;
            }
            if (de.ratePerMs() <= 0) {
                continue;
            }
            String key = u.node() + "|" + t.id();
            types.put(key, t);
            double[] a = acc.computeIfAbsent(key, k -> new double[2]);
            a[0] += de.ratePerMs();
            a[1] += de.ratePerMs() * latency.meanUplinkMs(u, t);
        }
        List<Stream> out = new ArrayList<>();
        acc.forEach((k, a) -> out.add(new Stream(k.substring(0, k.indexOf('|')), types.get(k), a[0], a[1] / a[0])));
        return out;
    }
}
