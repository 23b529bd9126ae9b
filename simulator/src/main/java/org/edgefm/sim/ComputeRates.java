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

/**
 * The factor on each service's rate {@code f_m} at each node (paper 1, eq. 3: processing time
 * {@code a_m / (f_m · factor)}), by {@code sim.compute-model}:
 * <ul>
 *   <li>{@code profiles} (default): when the node names a device profile and the service has a
 *       kernel spec, the factor makes the mean processing time equal to the roofline time of one
 *       request ({@link KernelCost} FLOPs and bytes through {@link PerformanceModel}): factor =
 *       {@code (a_m / t_roofline) / E[f_m]}; a light service keeps its rate distribution's shape.
 *       The GPU engine computes when the service demands GPU units and the profile has a GPU, the
 *       CPU engine otherwise; precision and efficiency come from {@code sim.compute-precision} and
 *       {@code sim.compute-efficiency}. Other pairs fall back to the scenario's speed factor.</li>
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
        if (settings.model() == SimSettings.ComputeModel.PROFILES && node.profile() != null && spec.kernel() != null) {
            PerformanceModel perf = PerformanceModel.of(profile(node), settings.efficiency());
            return spec.workloadMb() / rooflineMs(perf, spec, settings.fp16()) / spec.rate().mean();
        }
        return node.speedFactor();
    }

    /** The roofline time in ms of one request of a service (which must have a kernel spec) on a device. */
    public static double rooflineMs(PerformanceModel perf, ServiceSpec spec, boolean fp16) {
        KernelCost cost;
        try {
            cost = KernelCost.of(spec.kernel());
        } catch (EdgeFmException e) {
            throw new ConfigException("service '" + spec.id() + "': " + e.getMessage());
        }
        boolean gpu = spec.demand().get(Resource.GPU) > 0 && perf.profile().hasGpu();
        return perf.timeMs(cost, gpu ? PerformanceModel.Engine.GPU : PerformanceModel.Engine.CPU,
                fp16 ? PerformanceModel.Precision.FP16 : PerformanceModel.Precision.FP32);
    }

    private static DeviceProfile profile(NodeSpec node) {
        try {
            return ProfileCatalog.builtIn().get(node.profile());
        } catch (EdgeFmException e) {
            throw new ConfigException("node '" + node.id() + "': " + e.getMessage());
        }
    }
}
