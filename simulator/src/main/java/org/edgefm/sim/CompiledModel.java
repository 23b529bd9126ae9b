package org.edgefm.sim;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.ArrivalProcess;
import org.edgefm.api.model.ChannelModel;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.RateModel;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.api.model.Stage;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.TaskType;
import org.edgefm.api.model.UserSpec;

/**
 * A {@link SystemModel} compiled to index-addressed arrays for the simulated fleet's event loop:
 * nodes, services, task types (their stages as an in-tree DAG), users and the workload's streams.
 * A station is the (node, service) pair {@code node * serviceCount + service}. Immutable after
 * construction (the arrays are shared, never written).
 */
final class CompiledModel {
    // Nodes.
    final int nodeCount;
    final String[] nodeIds;
    final Map<String, Integer> nodeIndex = new HashMap<>();
    final NodeSpec[] nodeSpecs;

    // Services.
    final int serviceCount;
    final String[] serviceIds;
    final Map<String, Integer> serviceIndex = new HashMap<>();
    final ServiceSpec[] services;
    final boolean[] core;
    final double[] workload;
    final double[] output;
    final RateModel[] rates;

    // Task types.
    final int typeCount;
    /** The most stages of any task type (at most 255: a stage index fits an event's byte). */
    final int maxStages;
    final TaskType[] types;
    final String[] typeIds;
    final Map<String, Integer> typeIndex = new HashMap<>();
    final String[][] stageIds;
    final int[][] stageService;
    /** The stage a stage's output goes to, -1 for the sink. */
    final int[][] stageNext;
    /** How many stages feed a stage. */
    final int[][] stageParents;
    final int[][] leaves;
    final double[] inputMb;
    final double[] deadline;
    /** Per chain-shaped task type its stages from leaf to sink and their services; null for another shape. */
    final int[][] chainStages;
    final int[][] chainServices;

    // Users and streams.
    final String[] userIds;
    final double[] userBandwidth;
    final ChannelModel[] channels;
    final int[] userNode;
    final int streamCount;
    final int[] streamUser;
    final int[] streamType;
    final int[] streamOrigin;
    final ArrivalProcess[] arrivals;

    CompiledModel(SystemModel model) {
        List<NodeSpec> nodes = model.topology().nodes();
        nodeCount = nodes.size();
        nodeIds = new String[nodeCount];
        nodeSpecs = new NodeSpec[nodeCount];
        for (int i = 0; i < nodeCount; i++) {
            NodeSpec n = nodes.get(i);
            nodeIds[i] = n.id();
            nodeSpecs[i] = n;
            nodeIndex.put(n.id(), i);
        }

        serviceCount = model.services().size();
        serviceIds = new String[serviceCount];
        services = new ServiceSpec[serviceCount];
        core = new boolean[serviceCount];
        workload = new double[serviceCount];
        output = new double[serviceCount];
        rates = new RateModel[serviceCount];
        for (int s = 0; s < serviceCount; s++) {
            ServiceSpec spec = model.services().get(s);
            services[s] = spec;
            serviceIds[s] = spec.id();
            serviceIndex.put(spec.id(), s);
            core[s] = spec.kind() == ServiceKind.CORE;
            workload[s] = spec.workloadMb();
            output[s] = spec.outputMb();
            rates[s] = spec.rate();
        }

        typeCount = model.taskTypes().size();
        types = new TaskType[typeCount];
        typeIds = new String[typeCount];
        stageIds = new String[typeCount][];
        stageService = new int[typeCount][];
        stageNext = new int[typeCount][];
        stageParents = new int[typeCount][];
        leaves = new int[typeCount][];
        inputMb = new double[typeCount];
        deadline = new double[typeCount];
        int max = 1;
        for (int t = 0; t < typeCount; t++) {
            TaskType tt = model.taskTypes().get(t);
            types[t] = tt;
            typeIds[t] = tt.id();
            typeIndex.put(tt.id(), t);
            inputMb[t] = tt.inputMb();
            deadline[t] = tt.deadlineMs();
            List<Stage> st = tt.stages();
            int k = st.size();
            max = Math.max(max, k);
            stageIds[t] = new String[k];
            stageService[t] = new int[k];
            stageNext[t] = new int[k];
            stageParents[t] = new int[k];
            Map<String, Integer> idx = new HashMap<>();
            for (int i = 0; i < k; i++) {
                idx.put(st.get(i).id(), i);
            }
            for (int i = 0; i < k; i++) {
                stageIds[t][i] = st.get(i).id();
                stageService[t][i] = serviceIndex.get(st.get(i).service());
                stageNext[t][i] = st.get(i).isSink() ? -1 : idx.get(st.get(i).next());
            }
            for (int i = 0; i < k; i++) {
                if (stageNext[t][i] >= 0) {
                    stageParents[t][stageNext[t][i]]++;
                }
            }
            leaves[t] = tt.leaves().stream().mapToInt(s -> idx.get(s.id())).toArray();
        }
        if (max > 255) {
            throw new IllegalArgumentException("a task type has " + max + " stages (expected: at most 255)");
        }
        maxStages = max;
        chainStages = new int[typeCount][];
        chainServices = new int[typeCount][];
        for (int t = 0; t < typeCount; t++) {
            chainStages[t] = chainOrder(t);
            if (chainStages[t] != null) {
                chainServices[t] = new int[chainStages[t].length];
                for (int k = 0; k < chainStages[t].length; k++) {
                    chainServices[t][k] = stageService[t][chainStages[t][k]];
                }
            }
        }

        List<UserSpec> users = model.users();
        Map<String, Integer> userIndex = new HashMap<>();
        userIds = new String[users.size()];
        userBandwidth = new double[users.size()];
        channels = new ChannelModel[users.size()];
        userNode = new int[users.size()];
        for (int u = 0; u < users.size(); u++) {
            UserSpec us = users.get(u);
            userIds[u] = us.id();
            userIndex.put(us.id(), u);
            userBandwidth[u] = us.uplinkBandwidthMbPerMs();
            channels[u] = us.channel();
            userNode[u] = nodeIndex.get(us.node());
        }

        List<Demand> workloadList = model.workload();
        streamCount = workloadList.size();
        streamUser = new int[streamCount];
        streamType = new int[streamCount];
        streamOrigin = new int[streamCount];
        arrivals = new ArrivalProcess[streamCount];
        for (int i = 0; i < streamCount; i++) {
            Demand d = workloadList.get(i);
            streamUser[i] = userIndex.get(d.user());
            streamType[i] = typeIndex.get(d.taskType());
            streamOrigin[i] = userNode[streamUser[i]];
            arrivals[i] = d.arrivals();
        }
    }

    /** The number of stations, (node, service) pairs. */
    int stations() {
        return nodeCount * serviceCount;
    }

    /** The station of {@code service} at {@code node}. */
    int station(int node, int service) {
        return node * serviceCount + service;
    }

    /** The stages of a chain-shaped task type from its leaf to its sink, or null for another shape. */
    private int[] chainOrder(int t) {
        if (leaves[t].length != 1) {
            return null;
        }
        int[] order = new int[stageIds[t].length];
        int k = leaves[t][0];
        int n = 0;
        while (k >= 0) {
            if (stageParents[t][k] > 1 || n == order.length) {
                return null;
            }
            order[n++] = k;
            k = stageNext[t][k];
        }
        return n == order.length ? order : null;
    }
}
