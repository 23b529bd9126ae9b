package org.edgefm.host.broker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.edgefm.api.Check;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Publisher;
import org.edgefm.wire.Topics;

/**
 * Who may connect to the embedded broker and what each session may do, derived from the
 * authenticated identity only (account name or client-certificate CN), never from what the client
 * claims. The same rules ship for Mosquitto ({@link MosquittoFiles}).
 * <ul>
 *   <li>the host account ({@code edgefm-host} by default) may use all of {@code edgefm/v1/FLEET/};
 *       its client id may be anything but an agent's client id;</li>
 *   <li>the monitor account ({@value #MONITOR_USER}) may only subscribe to the fleet's topics (a
 *       trial's progress monitor, dashboards), and never receives a node's {@code keys} (its task key
 *       and the fleet's data token: what would let it submit tasks or sign results);</li>
 *   <li>every other identity is the node of that id: its client id must be
 *       {@code edgefm-FLEET-ID} (so no account can take over another node's session), it may publish
 *       only its own {@code node/ID/} birth, death, telemetry, ack and result, and subscribe only to
 *       its own directive and command topics and to {@code host/state}, in its own fleet.</li>
 * </ul>
 */
public final class BrokerPolicy {
    /** The read-only account of a trial's monitor and of dashboards. */
    public static final String MONITOR_USER = "edgefm-monitor";

    /** What an identity is. */
    public enum Role {
        /** The planner host. */
        HOST,
        /** Read-only observer. */
        MONITOR,
        /** One node. */
        NODE
    }

    /**
     * The outcome of a connect.
     *
     * @param allowed  whether the connect is accepted
     * @param role     the identity's role (null when refused)
     * @param identity the authenticated name (null when refused)
     * @param reason   why it was refused, in one line naming the client id and identity (null when allowed)
     */
    public record Decision(boolean allowed, Role role, String identity, String reason) {
        static Decision refuse(String reason) {
            return new Decision(false, null, null, reason);
        }
    }

    private final Topics topics;
    private final String hostUser;

    /**
     * The policy of one fleet.
     *
     * @param fleet    the fleet every node account belongs to
     * @param hostUser the host's account
     */
    public BrokerPolicy(String fleet, String hostUser) {
        this.topics = Topics.forFleet(Objects.requireNonNull(fleet, "fleet is null"));
        this.hostUser = Check.id(hostUser, "hostUser");
    }

    /** The fleet's topics. */
    public Topics topics() {
        return topics;
    }

    /** The role of an authenticated identity. */
    public Role role(String identity) {
        return identity.equals(hostUser) ? Role.HOST : identity.equals(MONITOR_USER) ? Role.MONITOR : Role.NODE;
    }

    /** How the host's MQTT client ids begin ({@code edgefm-host-HOSTID-RANDOM}). */
    public static final String HOST_CLIENT_ID_PREFIX = "edgefm-host-";

    /**
     * Binds an authenticated identity to the client id it connects with.
     *
     * @param identity the account name or certificate CN that authenticated
     * @param clientId the client id in the CONNECT packet
     */
    public Decision bind(String identity, String clientId) {
        Role role = role(identity);
        if (role == Role.NODE) {
            if (!Check.NODE_ID.matcher(identity).matches()) {
                return Decision.refuse("identity " + Check.quote(identity) + " is not a node id (expected: 1-64 of [A-Za-z0-9_-])");
            }
            String expected = topics.agentClientId(identity);
            if (!expected.equals(clientId)) {
                return Decision.refuse("client id " + Check.quote(clientId) + " is not bound to node " + identity
                        + " (expected: '" + expected + "')");
            }
        } else if (clientId.startsWith("edgefm-" + topics.fleet() + "-") && !clientId.startsWith(HOST_CLIENT_ID_PREFIX)
                && !clientId.startsWith("edgefm-trial-")) {
            return Decision.refuse("client id " + Check.quote(clientId) + " looks like an agent's; account " + identity
                    + " may not use it");
        }
        return new Decision(true, role, identity, null);
    }

    /** The topic filters a node may publish to: its own birth, death, telemetry, ack and result. */
    public List<String> nodePublishFilters(String node) {
        return Arrays.stream(MessageType.values()).filter(t -> t.perNode() && t.publisher() == Publisher.AGENT)
                .map(t -> topics.node(node, t)).toList();
    }

    /** The topic filters a node may subscribe to: its own directive and command topics and host/state. */
    public List<String> nodeSubscribeFilters(String node) {
        List<String> out = new ArrayList<>(Arrays.stream(MessageType.values())
                .filter(t -> t.perNode() && t.publisher() == Publisher.HOST).map(t -> topics.node(node, t)).toList());
        out.add(topics.hostState());
        return out;
    }

    /**
     * Every node's secrets topic ({@code node/+/keys}): only that node and the host may read a node's
     * keys; the monitor, which reads the rest of the fleet, is denied them.
     */
    public String keysFilter() {
        return topics.filter(MessageType.KEYS);
    }

    /** Whether a message on {@code topic} may go to {@code identity} of {@code role}: a node's keys only to that node and the host. */
    public boolean mayReceive(Role role, String identity, String topic) {
        if (role == Role.HOST || !topic.endsWith("/" + MessageType.KEYS.level())) {
            return true;
        }
        return role == Role.NODE && topic.equals(topics.keys(identity));
    }

    /** Everything in the fleet: the host's (all activities) and the monitor's (subscribe only) filter. */
    public String fleetFilter() {
        return Topics.ROOT + "/" + topics.fleet() + "/#";
    }
}
