package org.edgefm.host;

import java.util.List;
import java.util.Map;
import org.edgefm.api.model.UserSpec;
import org.edgefm.api.wire.Directive;

/**
 * A fleet of nodes as the control loop sees it, real or simulated (sim-to-field parity: the control
 * loop does not know which). {@code MqttFleet} talks to real agents over MQTT; {@code SimulatedFleet}
 * models the same nodes, links, queues and tasks in virtual time.
 *
 * <p>Implementations are driven from one thread (the control loop's); they need not be thread-safe
 * towards the loop, but a real fleet updates its state from network threads and MUST publish
 * consistent snapshots.
 */
public interface Fleet extends AutoCloseable {

    /** The fleet's clock: ms since the run started (virtual time in a simulation). */
    double nowMs();

    /**
     * The state at {@link #nowMs()}: nodes, per-service queues and rates over the interval since the
     * previous snapshot, arrivals, channels, measured links, and the tasks completed in that interval
     * (each completion appears in exactly one snapshot).
     */
    FleetSnapshot snapshot();

    /**
     * Hands one node its new desired state. Latest wins: a directive whose (planner epoch, version)
     * is not newer than the node's is ignored by the node. A real fleet delivers it at least once
     * (durable outbox); a simulated one applies it at once.
     */
    void apply(Directive directive);

    /**
     * Ends a batch of {@link #apply} calls (the control loop calls it once per slot, after the
     * slot's directives). A real fleet makes the batch durable in one transaction and sends it;
     * the default does nothing.
     */
    default void flush() {
    }

    /**
     * The data endpoints ({@code host:port}) of the nodes that announced one, by node id; the
     * control loop copies the ones its routes name into each directive. Empty by default (a
     * simulated fleet routes internally).
     */
    default Map<String, String> peerEndpoints() {
        return Map.of();
    }

    /**
     * A counter that grows whenever {@link #joined()} would answer differently (a node joined, or a
     * birth changed what a node announces); 0 for a fleet whose nodes are fixed.
     */
    default long membershipVersion() {
        return 0;
    }

    /** The nodes that joined, as their births announced them; empty for a fleet whose nodes are fixed. */
    default List<JoinedNode> joined() {
        return List.of();
    }

    /** The users (with the nodes their tasks enter at) whose completions count as their streams' arrivals. */
    default void users(List<UserSpec> users) {
    }

    /** Releases resources (connections, files); a fleet is not used after close. */
    @Override
    void close();
}
