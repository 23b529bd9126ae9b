package org.edgefm.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.edgefm.api.ConfigException;
import org.edgefm.api.model.Demand;
import org.edgefm.api.model.LinkSpec;
import org.edgefm.api.model.NodeKind;
import org.edgefm.api.model.NodeSpec;
import org.edgefm.api.model.SystemModel;
import org.edgefm.api.model.Topology;
import org.edgefm.api.model.UserSpec;
import org.edgefm.scenario.Scenario;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;

/**
 * The planners' system model of a live fleet, built from the nodes that joined (their births:
 * profile, capacity, labels) and a workload and model specification (a scenario: services, task
 * types, users with their origins, demand streams; its node list and links are optional pins).
 * Measured links are added by {@link LinkEstimator}.
 *
 * <ul>
 *   <li>Nodes: every node that joined this host; a node stays in the model when it leaves (it is
 *       offline there, and failed over). A node the scenario pins keeps the scenario's kind,
 *       capacity and speed factor; any other node is planned from its birth (kind from its
 *       profile, capacity from the birth, speed factor {@code fleet.defaultSpeedFactor}), and when
 *       the scenario pins nodes at all, its join is an {@code unexpected-node} notice.</li>
 *   <li>Links: the scenario's declared links between joined nodes.</li>
 *   <li>Users: each names its origin, a node id or a label (as {@code camera}); it is bound to the
 *       joined node of that id, else to a joined node carrying that label (the one with the fewest
 *       users of that label so far, then by id), and the binding stays while that node is in the
 *       model. A user whose origin has not joined is left out of the model with its streams
 *       ({@code origin-missing}): its tasks are not re-routed to another node.</li>
 * </ul>
 *
 * <p>{@code fleet.model=declared} keeps the earlier behaviour: the scenario's nodes as declared,
 * whatever joined (a node outside it is an {@code unexpected-node} that gets no work). Thread-safe.
 */
public final class FleetModel {
    /** Where the planners' nodes come from ({@code fleet.model}). */
    public enum Source {
        /** The nodes that joined (default). */
        JOINED,
        /** The scenario's node list, as declared. */
        DECLARED;

        /** Parses {@code joined} or {@code declared}. */
        public static Source parse(String s) {
            for (Source v : values()) {
                if (v.name().equalsIgnoreCase(s.trim())) {
                    return v;
                }
            }
            throw new ConfigException("fleet.model: '" + s + "' (expected: joined or declared)");
        }
    }

    /**
     * The {@code fleet.*} host settings.
     *
     * @param source             {@code fleet.model}: joined (default) or declared
     * @param joinSettleMs       {@code fleet.joinSettleMs}: the first core placement, and the re-placement after
     *                           joins, wait until no node has joined for this long (at most ten times this), so a
     *                           fleet that joins at once is placed once (default 3000)
     * @param defaultSpeedFactor {@code fleet.defaultSpeedFactor}: the speed factor of a joined node the scenario
     *                           does not pin (default 1.0: service rates as the catalog declares them)
     */
    public record Settings(Source source, double joinSettleMs, double defaultSpeedFactor) {
        /** Validates every field. */
        public Settings {
            Objects.requireNonNull(source, "source is null");
            if (!(joinSettleMs >= 0) || Double.isInfinite(joinSettleMs)) {
                throw new ConfigException("fleet.joinSettleMs: " + joinSettleMs + " (expected: >= 0)");
            }
            if (!(defaultSpeedFactor > 0) || Double.isInfinite(defaultSpeedFactor)) {
                throw new ConfigException("fleet.defaultSpeedFactor: " + defaultSpeedFactor + " (expected: > 0)");
            }
        }

        /** The defaults. */
        public static Settings defaults() {
            return new Settings(Source.JOINED, 3000, 1.0);
        }
    }

    private final Scenario spec;
    private final Settings settings;
    private final FleetNotices notices;
    private final Map<String, NodeSpec> pinned;
    private SystemModel current;
    /** User id to the node it is bound to. */
    private final Map<String, String> binding = new LinkedHashMap<>();
    private List<NodeSpec> lastNodes = List.of();
    private double changedAtMs = Double.NaN;

    /**
     * Creates the model source.
     *
     * @param spec     the workload and model specification (its node list may be empty)
     * @param settings the {@code fleet.*} settings
     * @param notices  where mismatches go
     * @throws ConfigException when {@code fleet.model=declared} and the scenario pins no nodes
     */
    public FleetModel(Scenario spec, Settings settings, FleetNotices notices) {
        this.spec = Objects.requireNonNull(spec, "spec is null");
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.notices = Objects.requireNonNull(notices, "notices is null");
        this.pinned = spec.topology().nodesById();
        if (settings.source() == Source.DECLARED) {
            if (!spec.pinsNodes()) {
                throw new ConfigException("fleet.model: declared, but scenario " + spec.name() + " declares no nodes");
            }
            current = spec.model();
            spec.users().forEach(u -> binding.put(u.id(), u.node()));
        }
    }

    /** The workload and model specification. */
    public Scenario spec() {
        return spec;
    }

    /** The settings. */
    public Settings settings() {
        return settings;
    }

    /** The model in force, or null before any node joined. */
    public synchronized SystemModel current() {
        return current;
    }

    /** The fleet clock when the model last changed, NaN before. */
    public synchronized double changedAtMs() {
        return changedAtMs;
    }

    /** Each bound user's origin node, by user id. */
    public synchronized Map<String, String> origins() {
        return Map.copyOf(binding);
    }

    /**
     * Folds in the nodes that joined; returns the model in force (a new instance only when its nodes
     * or users changed), or null while no node has joined.
     */
    public synchronized SystemModel refresh(List<JoinedNode> joined, double nowMs) {
        if (settings.source() == Source.DECLARED) {
            for (JoinedNode j : joined) {
                if (!pinned.containsKey(j.id())) {
                    notices.raise(FleetNotices.Kind.UNEXPECTED_NODE, j.id(), "joined (profile " + j.profile()
                            + "), but scenario " + spec.name() + " does not declare it; it gets no work"
                            + " (fleet.model=declared; with fleet.model=joined it would be planned from its birth)");
                }
            }
            return current;
        }
        Map<String, JoinedNode> byId = new TreeMap<>();
        joined.forEach(j -> byId.put(j.id(), j));
        List<NodeSpec> nodes = new ArrayList<>();
        for (JoinedNode j : byId.values()) {
            NodeSpec pin = pinned.get(j.id());
            if (pin != null) {
                nodes.add(new NodeSpec(pin.id(), pin.kind(), pin.capacity(), pin.profile() != null ? pin.profile()
                        : j.profile(), pin.speedFactor()));
                notices.resolve(FleetNotices.Kind.AWAITED_NODE, j.id(), "joined");
            } else {
                NodeKind kind = kindOf(j.profile());
                nodes.add(new NodeSpec(j.id(), kind, j.capacity(), j.profile(), settings.defaultSpeedFactor()));
                if (spec.pinsNodes()) {
                    notices.raise(FleetNotices.Kind.UNEXPECTED_NODE, j.id(), String.format(Locale.ROOT,
                            "joined, but scenario %s does not declare it; planned from its birth: profile %s, kind %s,"
                                    + " capacity %s, speed factor %s (fleet.defaultSpeedFactor)", spec.name(), j.profile(),
                            kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), j.capacity(),
                            settings.defaultSpeedFactor()));
                }
            }
        }
        for (String id : pinned.keySet()) {
            if (!byId.containsKey(id)) {
                notices.raise(FleetNotices.Kind.AWAITED_NODE, id, "declared in scenario " + spec.name()
                        + ", not joined yet: nothing is planned on it until it joins");
            }
        }
        boolean bindingChanged = bind(byId);
        if (nodes.isEmpty()) {
            return null;
        }
        if (current != null && !bindingChanged && nodes.equals(lastNodes)) {
            return current;
        }
        Set<String> ids = byId.keySet();
        List<LinkSpec> links = spec.topology().links().stream()
                .filter(l -> ids.contains(l.a()) && ids.contains(l.b())).toList();
        List<UserSpec> users = new ArrayList<>();
        for (UserSpec u : spec.users()) {
            String node = binding.get(u.id());
            if (node != null) {
                users.add(new UserSpec(u.id(), node, u.uplinkBandwidthMbPerMs(), u.channel()));
            }
        }
        Set<String> bound = binding.keySet();
        List<Demand> workload = spec.workload().stream().filter(d -> bound.contains(d.user())).toList();
        current = new SystemModel(new Topology(nodes, links), spec.services(), spec.taskTypes(), users, workload);
        lastNodes = nodes;
        changedAtMs = nowMs;
        return current;
    }

    /** Binds users whose origin joined; raises or resolves {@code origin-missing}. Returns true when a binding was added. */
    private boolean bind(Map<String, JoinedNode> byId) {
        boolean changed = false;
        Map<String, Integer> usersPerNode = new HashMap<>();
        binding.values().forEach(n -> usersPerNode.merge(n, 1, Integer::sum));
        for (UserSpec u : spec.users()) {
            if (binding.containsKey(u.id())) {
                continue;
            }
            String origin = u.node();
            String node = null;
            if (byId.containsKey(origin)) {
                node = origin;
            } else {
                int fewest = Integer.MAX_VALUE;
                for (JoinedNode j : byId.values()) {
                    int n = usersPerNode.getOrDefault(j.id(), 0);
                    if (j.labels().contains(origin) && n < fewest) {
                        fewest = n;
                        node = j.id();
                    }
                }
            }
            if (node == null) {
                List<String> types = spec.workload().stream().filter(d -> d.user().equals(u.id()))
                        .map(Demand::taskType).distinct().toList();
                notices.raise(FleetNotices.Kind.ORIGIN_MISSING, u.id(), "origin '" + origin + "' (a node id or label)"
                        + " has not joined: its stream(s) " + types + " are left out of the plan, not re-routed");
                continue;
            }
            binding.put(u.id(), node);
            usersPerNode.merge(node, 1, Integer::sum);
            changed = true;
            if (!node.equals(origin) || notices.isOpen(FleetNotices.Kind.ORIGIN_MISSING, u.id())) {
                notices.resolve(FleetNotices.Kind.ORIGIN_MISSING, u.id(), "origin '" + origin + "' bound to node " + node);
            }
        }
        return changed;
    }

    /** The users whose origin has not joined, with the origin they name. */
    public synchronized Map<String, String> unbound() {
        Map<String, String> m = new LinkedHashMap<>();
        for (UserSpec u : spec.users()) {
            if (!binding.containsKey(u.id())) {
                m.put(u.id(), u.node());
            }
        }
        return m;
    }

    /** The scenario's pinned nodes that have not joined (empty with {@code fleet.model=declared}). */
    public synchronized Set<String> awaited() {
        Set<String> s = new TreeSet<>();
        if (settings.source() == Source.JOINED) {
            Set<String> in = current == null ? Set.of() : current.topology().nodesById().keySet();
            pinned.keySet().stream().filter(id -> !in.contains(id)).forEach(s::add);
        }
        return s;
    }

    /**
     * The node kind of a profile: a Jetson-class board is a device, a GPU or CPU server an edge
     * server; an unknown profile is taken for a device.
     */
    static NodeKind kindOf(String profile) {
        DeviceProfile p = profile == null ? null : ProfileCatalog.builtIn().find(profile).orElse(null);
        if (p == null || p.kind().equals("jetson")) {
            return NodeKind.DEVICE;
        }
        return NodeKind.EDGE_SERVER;
    }
}
