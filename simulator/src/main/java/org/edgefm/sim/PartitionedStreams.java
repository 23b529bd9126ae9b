package org.edgefm.sim;

import java.util.Map;
import java.util.SplittableRandom;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.Resource;

/**
 * Seed paper 3's streams in the fleet ({@code sim.partition = serial}): which streams run through
 * {@link PartitionSubModel} (a chain task type arriving at a device), each arriving task's cut read
 * from its origin's routes, and the fleet as the sub-model sees it (its {@link PartitionSubModel.Host}).
 */
final class PartitionedStreams implements PartitionSubModel.Host {
    private final CompiledModel m;
    private final EventLoop loop;
    private final TaskTable tasks;
    private final TaskOutcomes outcomes;
    private final Stations stations;
    private final StageRouting routing;
    private final LinkWindows links;
    private final UserChannels channels;
    /** The light services' rate draws (shared with the stations'). */
    private final SplittableRandom serviceRandom;
    private final boolean[] partitioned;
    private final PartitionSubModel model;

    private PartitionedStreams(Map<String, ?> subModelKeys, CompiledModel m, EventLoop loop, TaskTable tasks,
            TaskOutcomes outcomes, Stations stations, StageRouting routing, LinkWindows links, UserChannels channels,
            SplittableRandom serviceRandom) {
        this.m = m;
        this.loop = loop;
        this.tasks = tasks;
        this.outcomes = outcomes;
        this.stations = stations;
        this.routing = routing;
        this.links = links;
        this.channels = channels;
        this.serviceRandom = serviceRandom;
        double[] devicePower = new double[m.userIds.length];
        for (int u = 0; u < devicePower.length; u++) {
            devicePower[u] = m.nodeSpecs[m.userNode[u]].capacity().get(Resource.POWER);
        }
        model = new PartitionSubModel(subModelKeys, m.userIds, m.userBandwidth, devicePower, m.nodeCount, this);
        partitioned = new boolean[m.streamCount];
        for (int i = 0; i < m.streamCount; i++) {
            partitioned[i] = m.chainStages[m.streamType[i]] != null && m.nodeSpecs[m.streamOrigin[i]].kind() == NodeKind.DEVICE;
        }
    }

    /**
     * The partitioned streams of a fleet, or null unless the scenario's {@code sim.partition} is
     * {@code serial}.
     */
    static PartitionedStreams create(Map<String, ?> subModelKeys, CompiledModel m, EventLoop loop, TaskTable tasks,
            TaskOutcomes outcomes, Stations stations, StageRouting routing, LinkWindows links, UserChannels channels,
            SplittableRandom serviceRandom) {
        boolean serial = SimSettings.oneOf(subModelKeys, "sim.partition", "off", "off", "serial").equals("serial");
        return serial
                ? new PartitionedStreams(subModelKeys, m, loop, tasks, outcomes, stations, routing, links, channels,
                        serviceRandom)
                : null;
    }

    /** The sub-model. */
    PartitionSubModel model() {
        return model;
    }

    /** True when {@code stream}'s tasks run through the sub-model. */
    boolean partitions(int stream) {
        return partitioned[stream];
    }

    /**
     * Paper 3: a task of type {@code t} from user {@code u} arrived at its device {@code origin}: its cut
     * from the origin's routes, then the serial queues of the sub-model.
     */
    void arrive(int task, int t, int origin, int u) {
        int[] stages = m.chainStages[t];
        int cut = 0;
        int edgeNode = origin;
        while (cut < stages.length) {
            double mb = cut == 0 ? m.inputMb[t] : m.output[m.chainServices[t][cut - 1]];
            int target = routing.choose(t, stages[cut], origin, origin, mb);
            if (target < 0) {
                outcomes.kill(task, target == StageRouting.NO_PATH ? "no path" : "unrouted", loop.now());
                return;
            }
            if (target != origin) {
                edgeNode = target;
                break;
            }
            cut++;
        }
        double upMb = cut == 0 ? m.inputMb[t] : m.output[m.chainServices[t][cut - 1]];
        model.arrive(task, u, origin, edgeNode, m.chainServices[t], cut, upMb);
    }

    /** A phase event of {@code task} (pushed by {@link #push}) is due. */
    void onEvent(int task, int phase, int epoch) {
        tasks.outstanding[task]--;
        model.onEvent(task, phase, epoch);
        tasks.release(task);
    }

    @Override
    public void push(double afterMs, int phase, int task, int epoch) {
        tasks.outstanding[task]++;
        loop.push(loop.now() + afterMs, EventLoop.PART, phase, epoch, task);
    }

    @Override
    public double processingMs(int s, int node) {
        double rate = m.core[s] ? m.rates[s].mean() : m.rates[s].sample(serviceRandom);
        return m.workload[s] / (rate * stations.computeFactor[node * m.serviceCount + s]);
    }

    @Override
    public double networkDelay(int from, int to, double mb) {
        return links.network().delay(from, to, mb);
    }

    @Override
    public double nowMs() {
        return loop.now();
    }

    @Override
    public double snr(int u) {
        return channels.snr(u);
    }

    @Override
    public boolean slotChannels() {
        return channels.perSlot();
    }

    @Override
    public void finish(int task) {
        outcomes.finish(task, loop.now());
    }
}
