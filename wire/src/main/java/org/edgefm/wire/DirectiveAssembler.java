package org.edgefm.wire;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.edgefm.api.InvalidFieldException;
import org.edgefm.api.spi.Route;

/**
 * Puts a split directive back together on the agent. It holds the parts of one directive at a time
 * (the newest {@code (plannerEpoch, version)} it has seen parts of): a part of a newer directive drops an
 * incomplete older one (latest wins, so the older one would never be applied anyway), a part of an older
 * one is ignored. Only when every part of a directive is here does {@link #offer} return the whole
 * directive, so a missing part leaves the node on the directive it runs. Memory is bounded by
 * {@link WireCodec#MAX_DIRECTIVE_PARTS} parts of one payload each. Not thread-safe (one per agent, on
 * its directive thread).
 */
public final class DirectiveAssembler {
    private long epoch = -1;
    private long version = -1;
    private DirectivePart[] parts = new DirectivePart[0];
    private int held;
    private long dropped;

    /**
     * Takes one part.
     *
     * @param p a part
     * @return the whole directive when {@code p} completed it, else null
     * @throws InvalidFieldException when the completed parts do not form one directive (a peer with two
     *                               endpoints, a service listed twice); the parts are dropped
     */
    public Directive offer(DirectivePart p) {
        boolean newer = p.plannerEpoch() > epoch || (p.plannerEpoch() == epoch && p.version() > version);
        boolean same = p.plannerEpoch() == epoch && p.version() == version;
        if (!newer && !same) {
            return null; // a late part of a directive older than the one being assembled
        }
        if (newer || parts.length != p.count()) {
            if (held > 0) {
                dropped++;
            }
            epoch = p.plannerEpoch();
            version = p.version();
            parts = new DirectivePart[p.count()];
            held = 0;
        }
        if (parts[p.index()] == null) {
            held++;
        }
        parts[p.index()] = p;
        if (held < parts.length) {
            return null;
        }
        DirectivePart[] all = parts;
        parts = new DirectivePart[0];
        held = 0;
        return merge(all);
    }

    /** Parts held of a directive not yet complete. */
    public int pending() {
        return held;
    }

    /** The {@code (plannerEpoch, version)} being assembled, or null when no part is held. */
    public long[] assembling() {
        return held == 0 ? null : new long[] {epoch, version};
    }

    /** Incomplete directives dropped because a part of a newer one arrived. */
    public long dropped() {
        return dropped;
    }

    /** The directive the parts (all present, in index order) form. */
    static Directive merge(DirectivePart[] all) {
        List<DesiredService> services = new ArrayList<>();
        List<Route> routes = new ArrayList<>();
        Map<String, String> peers = new HashMap<>();
        for (DirectivePart p : all) {
            DesiredState s = p.piece().desired();
            services.addAll(s.services());
            routes.addAll(s.routing());
            for (Map.Entry<String, String> e : s.peers().entrySet()) {
                String had = peers.putIfAbsent(e.getKey(), e.getValue());
                if (had != null && !had.equals(e.getValue())) {
                    throw new InvalidFieldException("desired.peers", "peer '" + e.getKey()
                            + "' has two endpoints in the parts of one directive");
                }
            }
        }
        Directive first = all[0].piece();
        return new Directive(first.schema(), first.nodeId(), first.plannerEpoch(), first.version(), first.issuedAtMs(),
                new DesiredState(services, routes, peers), first.taskKey(), first.dataToken());
    }
}
