package org.edgefm.sim;

import java.util.List;
import org.edgefm.api.ConfigException;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.Resource;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.KernelCost;
import org.edgefm.profiles.PerformanceModel;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.profiles.Workload;

/**
 * The factor on each service's rate {@code f_m} at each node (paper 1, eq. 3: processing time
 * {@code a_m / (f_m · factor)}), by {@code sim.compute-model}:
 * <ul>
 *   <li>{@code profiles} (default): when the node names a device profile (or a power mode of one,
 *       {@code NAME@MODE}) and the service has a kernel spec, the factor makes the mean processing
 *       time equal to the calibrated performance model's time of one request
 *       ({@link PerformanceModel#calibrated}: per-kernel overhead plus the larger of compute and
 *       memory time, checked against published measurements by {@code edgefm profiles validate};
 *       a {@code decoder-llm} request is its prefill plus every decode step): factor =
 *       {@code (a_m / t) / E[f_m]}; a light service keeps its rate distribution's shape. The GPU
 *       engine computes when the service demands GPU units and the profile has a GPU, the CPU
 *       engine otherwise; the precision is the kernel's {@code bits} dim, else
 *       {@code sim.compute-precision}. Other pairs fall back to the scenario's speed factor.</li>
 *   <li>{@code roofline}: the same with the plain roofline ({@code sim.compute-efficiency} on both
 *       roofs, no per-call overhead).</li>
 *   <li>{@code scenario}: the node's {@code speedFactor} for every service.</li>
 * </ul>
 */
public final class ComputeRates {
    private ComputeRates() {
    }

    /**
     * The factors, indexed {@code [node * services + service]} in the model's node and service order.
     *
     * @throws ConfigException naming the node of an unknown profile or the service of a bad kernel spec
     */
    public static double[] factors(SystemModel model, SimSettings.Compute settings) {
        List<NodeSpec> nodes = model.topology().nodes();
        List<ServiceSpec> services = model.services();
        double[] f = new double[nodes.size() * services.size()];
        for (int n = 0; n < nodes.size(); n++) {
            for (int s = 0; s < services.size(); s++) {
                f[n * services.size() + s] = factor(nodes.get(n), services.get(s), settings);
            }
        }
        return f;
    }

    /** The factor of one (node, service) pair; see {@link #factors}. */
    public static double factor(NodeSpec node, ServiceSpec spec, SimSettings.Compute settings) {
        if (settings.model() != SimSettings.ComputeModel.SCENARIO && node.profile() != null && spec.kernel() != null) {
            DeviceProfile p = profile(node);
            PerformanceModel perf = settings.model() == SimSettings.ComputeModel.ROOFLINE
                    ? PerformanceModel.of(p, settings.efficiency()) : PerformanceModel.calibrated(p);
            return spec.workloadMb() / requestMs(perf, spec, settings.fp16()) / spec.rate().mean();
        }
        return node.speedFactor();
    }

    /** The model's time in ms of one request of a service (which must have a kernel spec) on a device. */
    public static double requestMs(PerformanceModel perf, ServiceSpec spec, boolean fp16) {
        boolean gpu = spec.demand().get(Resource.GPU) > 0 && perf.profile().hasGpu();
        PerformanceModel.Engine engine = gpu ? PerformanceModel.Engine.GPU : PerformanceModel.Engine.CPU;
        try {
            PerformanceModel.Precision prec = Workload.precisionOf(spec.kernel(),
                    fp16 ? PerformanceModel.Precision.FP16 : PerformanceModel.Precision.FP32);
            if (perf.coefficients() == null && !Workload.MODEL_ONLY_KINDS.contains(spec.kernel().kind())) {
                return perf.timeMs(KernelCost.of(spec.kernel()), engine, prec);
            }
            if ("decoder-llm".equals(spec.kernel().kind())) {
                return perf.requestMs(Workload.requestOf(spec.kernel()), engine, prec);
            }
            return perf.timeMs(Workload.of(spec.kernel()), engine, prec, 1);
        } catch (EdgeFmException e) {
            throw new ConfigException("service '" + spec.id() + "': " + e.getMessage());
        }
    }

    /** The plain roofline time in ms of one request (kept for callers of the earlier model). */
    public static double rooflineMs(PerformanceModel perf, ServiceSpec spec, boolean fp16) {
        return requestMs(perf, spec, fp16);
    }

    private static DeviceProfile profile(NodeSpec node) {
        try {
            return ProfileCatalog.builtIn().get(node.profile());
        } catch (EdgeFmException e) {
            throw new ConfigException("node '" + node.id() + "': " + e.getMessage());
        }
    }
}
