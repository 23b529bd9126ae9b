package org.edgefm.host.broker;

import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundOutput;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.edgefm.api.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may connect to the embedded broker and what each session may do: authenticates a CONNECT by
 * client certificate (CN = node id, not on the revocation list) or password, binds the identity to
 * its client id and topics ({@link BrokerPolicy}), keeps a node's keys from every other subscriber,
 * remembers each authenticated session, and on {@link #reload} puts new accounts and a new
 * revocation list in force and cuts the sessions they no longer admit.
 */
final class BrokerAccess {
    /** Logs under the broker's name, which operators' log settings address. */
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /** Connection attribute: the session's {@link BrokerPolicy.Role} (also read by {@link PublishLimiter}). */
    static final String ROLE_ATTRIBUTE = "edgefm.role";
    private static final String SESSION_ATTRIBUTE = "edgefm.session";
    private static final String IDENTITY_ATTRIBUTE = "edgefm.identity";

    private final EmbeddedBroker.Settings settings;
    private final BrokerPolicy policy;
    private final RefusalCounts refusals;
    /** True while HiveMQ runs (only then can a session be cut). */
    private final BooleanSupplier running;
    /** The accounts in force: the settings' at start, then each {@link #reload}'s. */
    private volatile Credentials credentials;
    /** The client CA's revocation list in force (null: none), see {@link Revocations}. */
    private volatile X509CRL crl;
    /** The client CA's certificates (null without client certificates). */
    private List<X509Certificate> clientCas;
    /**
     * Authenticated sessions by client id, so that {@link #reload} can cut those whose account or
     * certificate is no longer valid. A node's client id is bound to its identity, so the map holds at
     * most one entry per account plus the host's and monitors' connections; each entry leaves when its
     * connection closes.
     */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** One authenticated connection: who, how (password hash or certificate), and its connection's token. */
    private record Session(String identity, BrokerPolicy.Role role, String token, String passwordHash, X509Certificate cert) {
    }

    BrokerAccess(EmbeddedBroker.Settings settings, BrokerPolicy policy, RefusalCounts refusals, BooleanSupplier running) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.policy = Objects.requireNonNull(policy, "policy is null");
        this.refusals = Objects.requireNonNull(refusals, "refusals is null");
        this.running = Objects.requireNonNull(running, "running is null");
        this.credentials = settings.credentials();
    }

    /** Reads the client CA's certificates and the revocation list beside them (without client certificates: nothing). */
    void readClientCa() {
        if (settings.clientCa() == null) {
            return;
        }
        clientCas = ClientCertificates.readCertificates(settings.clientCa());
        crl = Revocations.load(Revocations.crlBeside(settings.clientCa()), clientCas);
        if (crl != null) {
            LOG.info("embedded broker: {} revoked client certificate(s) in {}", Revocations.serials(crl).size(),
                    Revocations.crlBeside(settings.clientCa()));
        }
    }

    /** The accounts in force (null: none). */
    Credentials credentials() {
        return credentials;
    }

    /** The client CA's certificates (null without client certificates or before {@link #readClientCa()}). */
    List<X509Certificate> clientCas() {
        return clientCas;
    }

    /** The CRL file read (beside the client CA), or null without client certificates. */
    Path revocationList() {
        return settings.clientCa() == null ? null : Revocations.crlBeside(settings.clientCa());
    }

    /** See {@link EmbeddedBroker#reload}. */
    synchronized List<String> reload(Credentials accounts, X509CRL revoked) {
        if (settings.open()) {
            return List.of();
        }
        this.credentials = accounts;
        this.crl = revoked;
        List<String> cut = new ArrayList<>();
        for (Map.Entry<String, Session> e : sessions.entrySet()) {
            Session s = e.getValue();
            String why;
            if (s.cert() != null) {
                why = Revocations.revoked(revoked, s.cert()) ? "its certificate (serial " + s.cert().getSerialNumber().toString(16)
                        + ") was revoked" : null;
            } else {
                String h = accounts == null ? null : accounts.hashOf(s.identity());
                why = h == null ? "its account was removed" : h.equals(s.passwordHash()) ? null : "its password was changed";
            }
            if (why == null) {
                continue;
            }
            sessions.remove(e.getKey(), s);
            cut.add(e.getKey());
            refusals.count("revoked");
            LOG.warn("cut MQTT session {} of {}: {}", Check.quote(e.getKey()), Check.quote(s.identity()), why);
            if (running.getAsBoolean()) {
                Services.clientService().disconnectClient(e.getKey(), false, DisconnectReasonCode.NOT_AUTHORIZED,
                        "identity " + s.identity() + ": " + why);
            }
        }
        return cut;
    }

    /** A new authenticator (HiveMQ asks for one per client); it also assigns each session its permissions. */
    SimpleAuthenticator authenticator() {
        return new Authenticator();
    }

    /** The interceptor that delivers a node's keys to that node and the host only. */
    PublishOutboundInterceptor keysGuard() {
        return new KeysGuard();
    }

    /** A listener that forgets a session when its connection closes. */
    ClientLifecycleEventListener sessionEnd() {
        return new SessionEnd();
    }

    /**
     * A node's keys reach that node and the host only: a wildcard subscription the permissions allow
     * ({@code #} of the monitor) does not carry them, whatever the subscriber asked for.
     */
    private final class KeysGuard implements PublishOutboundInterceptor {
        @Override
        public void onOutboundPublish(PublishOutboundInput input, PublishOutboundOutput output) {
            var attrs = input.getConnectionInformation().getConnectionAttributeStore();
            String role = attrs.getAsString(ROLE_ATTRIBUTE).orElse(null);
            String identity = attrs.getAsString(IDENTITY_ATTRIBUTE).orElse("");
            BrokerPolicy.Role r = role == null ? BrokerPolicy.Role.MONITOR : BrokerPolicy.Role.valueOf(role);
            if (!policy.mayReceive(r, identity, input.getPublishPacket().getTopic())) {
                output.preventPublishDelivery();
            }
        }
    }

    /** Forgets a session when its connection closes (only that connection's entry: the same client id may be back already). */
    private final class SessionEnd implements ClientLifecycleEventListener {
        @Override
        public void onMqttConnectionStart(ConnectionStartInput input) {
        }

        @Override
        public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
        }

        @Override
        public void onDisconnect(DisconnectEventInput input) {
            String token = input.getConnectionInformation().getConnectionAttributeStore().getAsString(SESSION_ATTRIBUTE).orElse(null);
            if (token != null) {
                sessions.computeIfPresent(input.getClientInformation().getClientId(),
                        (k, s) -> s.token().equals(token) ? null : s);
            }
        }
    }

    private final class Authenticator implements SimpleAuthenticator {
        @Override
        public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
            ModifiableDefaultPermissions perms = output.getDefaultPermissions();
            String clientId = input.getClientInformation().getClientId();
            if (settings.open()) {
                perms.setDefaultBehaviour(DefaultAuthorizationBehaviour.ALLOW);
                if (clientId.startsWith(BrokerPolicy.HOST_CLIENT_ID_PREFIX)) {
                    // the host publishes a directive and its keys per node, thousands at once when a fleet joins: the
                    // per-client rate limit (200/s, bursts of 1,000) refused half of them (QUOTA_EXCEEDED, counted by
                    // HiveMQ as "extension prevented onward delivery") and the outbox re-sent them. On an open broker
                    // any client may already publish anything, so exempting the host's client id weakens nothing.
                    input.getConnectionInformation().getConnectionAttributeStore().putAsString(ROLE_ATTRIBUTE,
                            BrokerPolicy.Role.HOST.name());
                }
                output.authenticateSuccessfully();
                return;
            }
            String user = input.getConnectPacket().getUserName().orElse(null);
            X509Certificate cert = input.getConnectionInformation().getClientTlsInformation()
                    .flatMap(ClientTlsInformation::getClientCertificate).orElse(null);
            String cn = cert == null ? null : ClientCertificates.commonName(cert);
            String identity;
            String passwordHash = null;
            if (cn != null) {
                if (Revocations.revoked(crl, cert)) {
                    refuse(output, "revoked", ConnackReasonCode.NOT_AUTHORIZED, "client " + Check.quote(clientId) + ": the"
                            + " certificate of " + Check.quote(cn) + " (serial " + cert.getSerialNumber().toString(16)
                            + ") is revoked (" + revocationList() + ")");
                    return;
                }
                // a client certificate from the fleet CA is the identity; a username, if any, must agree
                if (user != null && !user.equals(cn)) {
                    refuse(output, "login", ConnackReasonCode.NOT_AUTHORIZED, "client " + Check.quote(clientId)
                            + ": username " + Check.quote(user) + " differs from its certificate's CN " + Check.quote(cn));
                    return;
                }
                identity = cn;
            } else {
                byte[] pw = input.getConnectPacket().getPassword().map(BrokerAccess::bytes).orElse(null);
                Credentials accounts = credentials;
                if (user == null || accounts == null || !accounts.verify(user, pw)) {
                    refuse(output, "login", ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "client " + Check.quote(clientId)
                            + " as " + (user == null ? "(no username)" : Check.quote(user)) + ": bad username or password"
                            + (settings.clientCa() != null ? " and no client certificate" : ""));
                    return;
                }
                identity = user;
                passwordHash = accounts.hashOf(user);
            }
            BrokerPolicy.Decision d = policy.bind(identity, clientId);
            if (!d.allowed()) {
                refuse(output, "client-id", ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID, d.reason());
                return;
            }
            input.getConnectionInformation().getConnectionAttributeStore().putAsString(ROLE_ATTRIBUTE, d.role().name());
            input.getConnectionInformation().getConnectionAttributeStore().putAsString(IDENTITY_ATTRIBUTE, identity);
            String token = UUID.randomUUID().toString();
            input.getConnectionInformation().getConnectionAttributeStore().putAsString(SESSION_ATTRIBUTE, token);
            Session session = new Session(identity, d.role(), token, passwordHash, cn != null ? cert : null);
            sessions.put(clientId, session);
            // a reload that ran while this connect was checked did not see it: check against what is in force now
            Credentials now = credentials;
            if (cn != null ? Revocations.revoked(crl, cert) : now == null || !passwordHash.equals(now.hashOf(identity))) {
                sessions.remove(clientId, session);
                refuse(output, "revoked", ConnackReasonCode.NOT_AUTHORIZED, "client " + Check.quote(clientId) + ": "
                        + Check.quote(identity) + " was revoked while it connected");
                return;
            }
            perms.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
            switch (d.role()) {
                case HOST -> perms.add(allow(policy.fleetFilter(), TopicPermission.MqttActivity.ALL));
                case MONITOR -> {
                    // first match wins: the nodes' keys are denied before the rest of the fleet is allowed
                    perms.add(Builders.topicPermission().topicFilter(policy.keysFilter())
                            .type(TopicPermission.PermissionType.DENY).activity(TopicPermission.MqttActivity.ALL).build());
                    perms.add(allow(policy.fleetFilter(), TopicPermission.MqttActivity.SUBSCRIBE));
                }
                case NODE -> {
                    for (String filter : policy.nodePublishFilters(identity)) {
                        perms.add(allow(filter, TopicPermission.MqttActivity.PUBLISH));
                    }
                    for (String filter : policy.nodeSubscribeFilters(identity)) {
                        perms.add(allow(filter, TopicPermission.MqttActivity.SUBSCRIBE));
                    }
                }
                default -> throw new AssertionError(d.role());
            }
            output.authenticateSuccessfully();
        }

        private void refuse(SimpleAuthOutput output, String kind, ConnackReasonCode code, String why) {
            refusals.count(kind);
            LOG.warn("refused MQTT connect: {}", why);
            output.failAuthentication(code, why);
        }

        private static TopicPermission allow(String filter, TopicPermission.MqttActivity activity) {
            return Builders.topicPermission().topicFilter(filter).type(TopicPermission.PermissionType.ALLOW)
                    .activity(activity).build();
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
