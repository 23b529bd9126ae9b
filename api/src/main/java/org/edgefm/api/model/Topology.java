package org.edgefm.api.model;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.edgefm.api.Check;
import org.edgefm.api.InvalidFieldException;

/**
 * The network graph {@code G = (V, E)}: nodes and undirected links. Node ids are unique and every
 * link joins two declared nodes. A topology may have no nodes (a scenario that pins none: a live
 * host takes its nodes from the fleet that joins); a {@link SystemModel} needs at least one.
 *
 * @param nodes the nodes
 * @param links the links
 */
public record Topology(List<NodeSpec> nodes, List<LinkSpec> links) {
    /**
     * Validates ids and references.
     *
     * @param nodes the nodes
     * @param links the links
     */
    public Topology {
        nodes = Check.listOf(nodes, "nodes");
        links = Check.listOf(links, "links");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!ids.add(nodes.get(i).id())) {
                throw new InvalidFieldException("nodes[" + i + "].id",
                        Check.quote(nodes.get(i).id()) + " is declared twice");
            }
        }
        Set<String> pairs = new HashSet<>();
        for (int i = 0; i < links.size(); i++) {
            LinkSpec l = links.get(i);
            if (!ids.contains(l.a())) {
                throw new InvalidFieldException("links[" + i + "].a", Check.quote(l.a()) + " is not a node in 'nodes'");
            }
            if (!ids.contains(l.b())) {
                throw new InvalidFieldException("links[" + i + "].b", Check.quote(l.b()) + " is not a node in 'nodes'");
            }
            String key = l.a().compareTo(l.b()) < 0 ? l.a() + "|" + l.b() : l.b() + "|" + l.a();
            if (!pairs.add(key)) {
                throw new InvalidFieldException("links[" + i + "]", "a second link between "
                        + Check.quote(l.a()) + " and " + Check.quote(l.b()));
            }
        }
    }

    /** A topology without nodes or links. */
    public static final Topology EMPTY = new Topology(List.of(), List.of());

    /**
     * The node with this id, if any.
     *
     * @param id a node id
     * @return the node with this id, if any
     */
    public Optional<NodeSpec> node(String id) {
        for (NodeSpec n : nodes) {
            if (n.id().equals(id)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /**
     * The link between two nodes, if any.
     *
     * @param x one node id
     * @param y the other node id
     * @return the link between two nodes, if any
     */
    public Optional<LinkSpec> link(String x, String y) {
        for (LinkSpec l : links) {
            if (l.joins(x, y)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** {@return nodes by id, in declaration order} */
    public Map<String, NodeSpec> nodesById() {
        Map<String, NodeSpec> m = new LinkedHashMap<>();
        for (NodeSpec n : nodes) {
            m.put(n.id(), n);
        }
        return m;
    }
}
