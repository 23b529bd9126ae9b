package org.edgefm.host.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
import com.hivemq.extension.sdk.api.client.parameter.ClientTlsInformation;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishInboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishOutboundInterceptor;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishOutboundOutput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundInput;
import com.hivemq.extension.sdk.api.interceptor.publish.parameter.PublishInboundOutput;
import com.hivemq.extension.sdk.api.packets.publish.AckReasonCode;
import com.hivemq.extension.sdk.api.packets.auth.DefaultAuthorizationBehaviour;
import com.hivemq.extension.sdk.api.packets.auth.ModifiableDefaultPermissions;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import com.hivemq.extension.sdk.api.services.builder.Builders;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.edgefm.api.Check;
import org.edgefm.api.EdgeFmException;
import org.edgefm.wire.WireCodec;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Publisher;
import org.edgefm.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default broker: HiveMQ CE embedded in the host process, MQTT 5 and 3.1.1, with a plain
 * listener, a TLS listener (TLS 1.3 and 1.2 with forward-secret suites only) or both. When
 * credentials or a client CA are given, every client must log in with a password or a client
 * certificate from that CA (CN = node id); an in-process extension binds the identity to its client
 * id, fleet and topics ({@link BrokerPolicy}, the same rules as the shipped Mosquitto files,
 * {@link MosquittoFiles}) and limits what each client may publish ({@link Limits}). Secrets are
 * never written to the broker's configuration. Without credentials or a client CA the broker is
 * open (trials and development on loopback only; the host refuses other bind addresses).
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    /**
     * QoS 0 messages (telemetry) HiveMQ queues for a subscriber whose socket is not writable before
     * it drops them. HiveMQ's default, 1,000, is one second of a 1,000-node fleet's telemetry, and the
     * host can pause longer than that (GC, a busy machine): {@code ./edgefm bench load} lost
     * telemetry that way. 30,000 covers a 30 s pause at 1,000 messages/s (about 45 MB at most).
     */
    static final int QOS0_QUEUE_FOR_SLOW_SUBSCRIBER = 30_000;
    /** QoS 1 messages HiveMQ queues per client beyond its in-flight window (HiveMQ's default: 1,000). */
    static final int QUEUED_MESSAGES_PER_CLIENT = 100_000;
    /** HiveMQ's per-client memory bound for queued QoS 0 messages, raised to match (default 5 MiB). */
    static final int QOS0_MEMORY_PER_CLIENT_BYTES = 64 << 20;

    /**
     * Limits on what one client may send (see {@code broker-bridge/README.md}, "Limits").
     *
     * @param maxPacketBytes      largest MQTT packet accepted (the wire's largest payload plus topic and headers)
     * @param maxRetainedBytes    largest retained payload accepted (births and host state are a few KB)
     * @param publishesPerSecond  sustained PUBLISH rate per client (token bucket); the host is exempt
     * @param publishBurst        bucket size: publishes a client may send at once
     */
    public record Limits(int maxPacketBytes, int maxRetainedBytes, double publishesPerSecond, double publishBurst) {
        /** Validates the fields. */
        public Limits {
            if (maxPacketBytes < 1024) {
                throw new IllegalArgumentException("maxPacketBytes: " + maxPacketBytes + " (expected: >= 1024)");
            }
            if (maxRetainedBytes < 1 || maxRetainedBytes > maxPacketBytes) {
                throw new IllegalArgumentException("maxRetainedBytes: " + maxRetainedBytes + " (expected: 1 to maxPacketBytes)");
            }
            if (!(publishesPerSecond > 0) || !(publishBurst >= 1)) {
                throw new IllegalArgumentException("publishesPerSecond: " + publishesPerSecond + ", publishBurst: " + publishBurst
                        + " (expected: > 0 and >= 1)");
            }
        }

        /**
         * The defaults: packets up to the wire's largest payload ({@value WireCodec#DEFAULT_MAX_PAYLOAD_BYTES}
         * bytes) plus 8 KiB, retained payloads up to 64 KiB, 200 publishes/s per client with bursts of 1,000
         * (an agent sends about 1 telemetry/s plus results and acks; a burst of results after an outage is
         * paced, not lost: QoS 1 retries).
         */
        public static Limits defaults() {
            return new Limits(WireCodec.DEFAULT_MAX_PAYLOAD_BYTES + 8 * 1024, 64 * 1024, 200, 1_000);
        }
    }

    /**
     * Broker settings.
     *
     * @param bindAddress   address to listen on ({@code 127.0.0.1} or {@code 0.0.0.0})
     * @param port          plain MQTT port (0 = no plain listener: TLS only)
     * @param tlsPort       TLS port, or 0 for no TLS listener
     * @param keystore      JKS/PKCS12 keystore with the server key, for TLS
     * @param keystorePassword its password; never logged, printed or written to disk
     * @param credentials   accounts, or null (then only client certificates, or an open broker without them)
     * @param hostUser      the host's account
     * @param workDir       folder for the broker's configuration and data
     * @param fleet         the fleet every node account belongs to (its topics and client ids)
     * @param clientCa      PEM file of the CA(s) whose client certificates identify nodes (mutual TLS,
     *                      CN = node id), or null for passwords only
     * @param limits        per-client limits
     */
    public record Settings(String bindAddress, int port, int tlsPort, Path keystore, char[] keystorePassword,
            Credentials credentials, String hostUser, Path workDir, String fleet, Path clientCa, Limits limits) {
        /** Validates the fields. */
        public Settings {
            Objects.requireNonNull(bindAddress, "bindAddress is null");
            Objects.requireNonNull(hostUser, "hostUser is null");
            Objects.requireNonNull(workDir, "workDir is null");
            Objects.requireNonNull(fleet, "fleet is null");
            limits = limits == null ? Limits.defaults() : limits;
            if (port <= 0 && tlsPort <= 0) {
                throw new IllegalArgumentException("port: " + port + " (expected: > 0, or a TLS port)");
            }
            if (tlsPort > 0 && (keystore == null || keystorePassword == null)) {
                throw new IllegalArgumentException("tlsPort: " + tlsPort + " needs a keystore and its password");
            }
            if (clientCa != null && tlsPort <= 0) {
                throw new IllegalArgumentException("clientCa: client certificates need a TLS port");
            }
        }

        /** Settings of fleet {@code default} without client certificates, with the default limits. */
        public Settings(String bindAddress, int port, int tlsPort, Path keystore, char[] keystorePassword,
                Credentials credentials, String hostUser, Path workDir) {
            this(bindAddress, port, tlsPort, keystore, keystorePassword, credentials, hostUser, workDir, "default", null, null);
        }

        /** An open broker: neither accounts nor client certificates. */
        public boolean open() {
            return credentials == null && clientCa == null;
        }

        @Override
        public String toString() {
            return "Settings[bind=" + bindAddress + ", port=" + port + ", tlsPort=" + tlsPort + ", keystore=" + keystore
                    + ", keystorePassword=***, credentials=" + credentials + ", hostUser=" + hostUser + ", fleet=" + fleet
                    + ", clientCa=" + clientCa + ", limits=" + limits + "]";
        }
    }

    /**
     * TLS protocols of the TLS listener: 1.3 and 1.2 only.
     */
    public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /**
     * Cipher suites of the TLS listener: TLS 1.3's AEAD suites and TLS 1.2's forward-secret (ECDHE)
     * AEAD suites. HiveMQ drops a name the JVM does not know with only a warning, so tests check the
     * suite actually negotiated.
     */
    public static final List<String> TLS_CIPHER_SUITES = List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final Settings settings;
    private final BrokerPolicy policy;
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
    /** Refusals by kind ({@code login}, {@code client-id}, {@code rate}, {@code retained-size}); fixed keys. */
    private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();
    private EmbeddedHiveMQ hivemq;
    /** System properties that carry the keystore and truststore passwords to HiveMQ while it starts. */
    private final List<String> secretProperties = new ArrayList<>();

    /** Creates the broker; {@link #start()} starts it. */
    public EmbeddedBroker(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.policy = new BrokerPolicy(settings.fleet(), settings.hostUser());
        this.credentials = settings.credentials();
    }

    /** Starts the broker and waits until it listens. */
    public void start() {
        if (settings.clientCa() != null) {
            clientCas = ClientCertificates.readCertificates(settings.clientCa());
            crl = Revocations.load(Revocations.crlBeside(settings.clientCa()), clientCas);
            if (crl != null) {
                LOG.info("embedded broker: {} revoked client certificate(s) in {}", Revocations.serials(crl).size(),
                        Revocations.crlBeside(settings.clientCa()));
            }
        }
        Path conf = settings.workDir().resolve("conf");
        Path data = settings.workDir().resolve("data");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(data);
            // empty: the broker's only extension is embedded, but HiveMQ warns when the folder is missing
            Files.createDirectories(settings.workDir().resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), configXml(conf), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(conf.resolve("config.xml"), PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // keep defaults
            }
        } catch (IOException | GeneralSecurityException e) {
            clearSecrets();
            throw new EdgeFmException("embedded broker: cannot write its configuration under " + settings.workDir()
                    + ": " + e.getMessage(), e);
        }
        if (settings.open() && loopbackOnly(settings.bindAddress())) {
            // this machine's processes only: a note, not a warning
            LOG.info("embedded broker runs without authentication on {} (loopback only; no credentials file)",
                    settings.bindAddress());
        } else if (settings.open()) {
            LOG.warn("embedded broker runs WITHOUT authentication: every client may publish anything (no credentials file)");
        }
        EmbeddedExtension ext = EmbeddedExtension.builder().withId("edgefm-security").withName("EdgeFM security")
                .withVersion("1").withPriority(1000).withStartPriority(1000)
                .withExtensionMain(new SecurityExtension()).build();
        // HiveMQ reads these process-wide settings when it builds each connection's pipeline.
        com.hivemq.configuration.service.InternalConfigurations.NOT_WRITABLE_QUEUE_SIZE.set(QOS0_QUEUE_FOR_SLOW_SUBSCRIBER);
        com.hivemq.configuration.service.InternalConfigurations.QOS_0_MEMORY_LIMIT_PER_CLIENT_BYTES.set(QOS0_MEMORY_PER_CLIENT_BYTES);
        hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(data)
                .withExtensionsFolder(settings.workDir().resolve("extensions")).withEmbeddedExtension(ext)
                .withoutLoggingBootstrap().build();
        try {
            hivemq.start().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            Throwable c = e.getCause() == null ? e : e.getCause();
            throw new EdgeFmException("embedded broker: cannot start on port " + settings.port() + ": " + c.getMessage(), e);
        } finally {
            clearSecrets();
        }
        LOG.info("embedded broker listening on {}{}{} (fleet {}, {}{})", settings.bindAddress(),
                settings.port() > 0 ? ":" + settings.port() : "", settings.tlsPort() > 0 ? ", TLS on " + settings.tlsPort() : "",
                settings.fleet(), settings.credentials() == null ? "no accounts" : settings.credentials().users().size() + " accounts",
                settings.clientCa() == null ? "" : ", client certificates of " + settings.clientCa());
    }

    /** The broker configuration. Passwords appear only as placeholders HiveMQ fills from system properties. */
    private String configXml(Path conf) throws IOException, GeneralSecurityException {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n");
        if (settings.port() > 0) {
            x.append("    <tcp-listener><port>").append(settings.port()).append("</port><bind-address>")
                    .append(xml(settings.bindAddress())).append("</bind-address></tcp-listener>\n");
        }
        if (settings.tlsPort() > 0) {
            x.append("    <tls-tcp-listener><port>").append(settings.tlsPort()).append("</port><bind-address>")
                    .append(xml(settings.bindAddress())).append("</bind-address><tls>\n      <keystore><path>")
                    .append(xml(settings.keystore().toAbsolutePath().toString())).append("</path><password>")
                    .append(secret(settings.keystorePassword())).append("</password><private-key-password>")
                    .append(secret(settings.keystorePassword())).append("</private-key-password></keystore>\n");
            if (settings.clientCa() != null) {
                char[] tsPassword = randomPassword();
                Path ts = conf.resolve("client-ca.p12");
                ClientCertificates.writeTrustStore(settings.clientCa(), ts, tsPassword);
                x.append("      <truststore><path>").append(xml(ts.toAbsolutePath().toString())).append("</path><password>")
                        .append(secret(tsPassword)).append("</password></truststore>\n");
                // OPTIONAL: a node may log in with a certificate or, where accounts exist, a password;
                // the authenticator refuses a connection that has neither
                x.append("      <client-authentication-mode>OPTIONAL</client-authentication-mode>\n");
            }
            x.append("      <protocols>");
            TLS_PROTOCOLS.forEach(p -> x.append("<protocol>").append(p).append("</protocol>"));
            x.append("</protocols>\n      <cipher-suites>");
            TLS_CIPHER_SUITES.forEach(c -> x.append("<cipher-suite>").append(c).append("</cipher-suite>"));
            x.append("</cipher-suites>\n      <prefer-server-cipher-suites>true</prefer-server-cipher-suites>\n")
                    .append("    </tls></tls-tcp-listener>\n");
        }
        Limits l = settings.limits();
        x.append("  </listeners>\n")
                .append("  <mqtt><receive-maximum><server-receive-maximum>1000</server-receive-maximum></receive-maximum>\n")
                // The host subscribes to every agent's acks: 1,000 agents acknowledging one burst of
                // directives overflowed HiveMQ's default queue of 1,000 messages per client.
                .append("    <queued-messages><max-queue-size>").append(QUEUED_MESSAGES_PER_CLIENT)
                .append("</max-queue-size></queued-messages>\n")
                .append("    <packets><max-packet-size>").append(l.maxPacketBytes()).append("</max-packet-size></packets>\n")
                .append("  </mqtt>\n")
                .append("  <restrictions><max-client-id-length>128</max-client-id-length>")
                .append("<max-topic-length>256</max-topic-length></restrictions>\n")
                .append("  <persistence><mode>in-memory</mode></persistence>\n")
                .append("  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n")
                .append("</hivemq>\n");
        return x.toString();
    }

    /**
     * A placeholder for a secret: HiveMQ replaces {@code ${NAME}} in its configuration with the system
     * property NAME, set here until the broker has started, so the secret is never written to disk.
     */
    private String secret(char[] value) {
        String name = "edgefm.broker.secret." + UUID.randomUUID().toString().replace("-", "");
        System.setProperty(name, new String(value));
        secretProperties.add(name);
        return "${" + name + "}";
    }

    private void clearSecrets() {
        secretProperties.forEach(System::clearProperty);
        secretProperties.clear();
    }

    private static char[] randomPassword() {
        byte[] r = new byte[24];
        new SecureRandom().nextBytes(r);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(r).toCharArray();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The policy this broker enforces. */
    public BrokerPolicy policy() {
        return policy;
    }

    /** Every kind of refusal {@link #refusals()} counts. */
    public static final List<String> REFUSAL_KINDS = List.of("login", "client-id", "rate", "retained-size", "revoked");

    /** Clients connected now (HiveMQ's {@code com.hivemq.networking.connections.current}; 0 before {@link #start()}). */
    public long connections() {
        EmbeddedHiveMQ h = hivemq;
        if (h == null) {
            return 0;
        }
        Object g = h.getMetricRegistry().getMetrics().get("com.hivemq.networking.connections.current");
        return g instanceof com.codahale.metrics.Gauge<?> gauge && gauge.getValue() instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Connections and publishes refused so far, by kind ({@code login}, {@code client-id}, {@code rate},
     * {@code retained-size}, {@code revoked}: a revoked certificate's connect, or a session cut by {@link #reload}).
     */
    public Map<String, Long> refusals() {
        Map<String, Long> m = new TreeMap<>();
        refusals.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    private void refused(String kind) {
        refusals.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /**
     * The broker's own message counters (HiveMQ metrics), for benchmarks.
     *
     * @param publishesIn  PUBLISH packets received from clients
     * @param publishesOut PUBLISH packets sent to subscribers
     * @param dropped      messages the broker dropped (full queues, QoS 0 to slow clients)
     */
    public record Counts(long publishesIn, long publishesOut, long dropped) {
    }

    /** The broker's message counters so far (zeros before {@link #start()}). */
    public Counts counts() {
        if (hivemq == null) {
            return new Counts(0, 0, 0);
        }
        var metrics = hivemq.getMetricRegistry().getMetrics();
        return new Counts(count(metrics.get("com.hivemq.messages.incoming.publish.count")),
                count(metrics.get("com.hivemq.messages.outgoing.publish.count")),
                count(metrics.get("com.hivemq.messages.dropped.count")));
    }

    private static long count(Object metric) {
        return metric instanceof com.codahale.metrics.Counting c ? c.getCount() : 0;
    }

    /** The accounts in force (null: none). */
    public Credentials credentials() {
        return credentials;
    }

    /** The client CA's certificates (null without client certificates or before {@link #start()}). */
    public List<X509Certificate> clientCas() {
        return clientCas;
    }

    /** The CRL file this broker reads (beside the client CA), or null without client certificates. */
    public Path revocationList() {
        return settings.clientCa() == null ? null : Revocations.crlBeside(settings.clientCa());
    }

    /**
     * Puts new accounts and a new revocation list in force and cuts every live session they no
     * longer admit: a password session whose account is gone or has another password, a certificate
     * session whose certificate the list names. A cut node's Will (its death) is published, so the
     * host fails its services over at once. An open broker stays open (nothing to reload).
     *
     * @param accounts the accounts now (null keeps none: password logins are then refused)
     * @param revoked  the client CA's revocation list now (null: none)
     * @return the client ids cut
     */
    public synchronized List<String> reload(Credentials accounts, X509CRL revoked) {
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
            refused("revoked");
            LOG.warn("cut MQTT session {} of {}: {}", Check.quote(e.getKey()), Check.quote(s.identity()), why);
            if (hivemq != null) {
                Services.clientService().disconnectClient(e.getKey(), false, DisconnectReasonCode.NOT_AUTHORIZED,
                        "identity " + s.identity() + ": " + why);
            }
        }
        return cut;
    }

    /** Stops the broker. */
    @Override
    public void close() {
        if (hivemq != null) {
            try {
                hivemq.stop().get(30, TimeUnit.SECONDS);
                hivemq.close();
            } catch (Exception e) {
                LOG.debug("embedded broker stop: {}", e.toString());
            }
            hivemq = null;
        }
    }

    /** Registers the authenticator (which also assigns each session its permissions) and the publish limits. */
    private final class SecurityExtension implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
            Services.securityRegistry().setAuthenticatorProvider(i -> new Authenticator());
            PublishGuard guard = new PublishGuard();
            KeysGuard keys = new KeysGuard();
            Services.initializerRegistry().setClientInitializer((input, client) -> {
                client.addPublishInboundInterceptor(guard);
                if (!settings.open()) {
                    client.addPublishOutboundInterceptor(keys);
                }
            });
            Services.eventRegistry().setClientLifecycleEventListener(i -> new SessionEnd());
        }

        @Override
        public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
        }
    }

    private static final String ROLE_ATTRIBUTE = "edgefm.role";
    private static final String SESSION_ATTRIBUTE = "edgefm.session";
    private static final String IDENTITY_ATTRIBUTE = "edgefm.identity";

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
                byte[] pw = input.getConnectPacket().getPassword().map(EmbeddedBroker::bytes).orElse(null);
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
            refused(kind);
            LOG.warn("refused MQTT connect: {}", why);
            output.failAuthentication(code, why);
        }

        private static TopicPermission allow(String filter, TopicPermission.MqttActivity activity) {
            return Builders.topicPermission().topicFilter(filter).type(TopicPermission.PermissionType.ALLOW)
                    .activity(activity).build();
        }
    }

    /**
     * Per-client limits on inbound PUBLISH packets: retained payload size, and a token bucket of
     * {@link Limits#publishesPerSecond()} (the host's own connections are exempt). A refused publish
     * is answered with QUOTA_EXCEEDED (MQTT 5) and never delivered; the client stays connected.
     */
    private final class PublishGuard implements PublishInboundInterceptor {
        /** Buckets by client id; cleared if it ever holds more clients than this (an open broker's churn). */
        private static final int MAX_BUCKETS = 100_000;
        private final Map<String, double[]> buckets = new ConcurrentHashMap<>();

        @Override
        public void onInboundPublish(PublishInboundInput input, PublishInboundOutput output) {
            String role = input.getConnectionInformation().getConnectionAttributeStore().getAsString(ROLE_ATTRIBUTE).orElse("");
            if (role.equals(BrokerPolicy.Role.HOST.name())) {
                return;
            }
            String clientId = input.getClientInformation().getClientId();
            var packet = input.getPublishPacket();
            Limits l = settings.limits();
            if (packet.getRetain()) {
                int size = packet.getPayload().map(ByteBuffer::remaining).orElse(0);
                if (size > l.maxRetainedBytes()) {
                    refused("retained-size");
                    LOG.warn("refused a retained message of {} bytes from client {} on {} (limit {} bytes)", size,
                            Check.quote(clientId), Check.quote(packet.getTopic()), l.maxRetainedBytes());
                    output.preventPublishDelivery(AckReasonCode.QUOTA_EXCEEDED, "retained message larger than "
                            + l.maxRetainedBytes() + " bytes");
                    return;
                }
            }
            if (buckets.size() > MAX_BUCKETS) {
                buckets.clear();
            }
            double[] b = buckets.computeIfAbsent(clientId, k -> new double[] {l.publishBurst(), System.nanoTime()});
            boolean allowed;
            synchronized (b) {
                long now = System.nanoTime();
                b[0] = Math.min(l.publishBurst(), b[0] + (now - (long) b[1]) / 1e9 * l.publishesPerSecond());
                b[1] = now;
                allowed = b[0] >= 1;
                if (allowed) {
                    b[0] -= 1;
                }
            }
            if (!allowed) {
                refused("rate");
                output.preventPublishDelivery(AckReasonCode.QUOTA_EXCEEDED, "more than " + l.publishesPerSecond()
                        + " publishes per second");
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** Whether {@code bind} is a loopback address (127.0.0.0/8, ::1 or localhost); false when it cannot be resolved. */
    public static boolean loopbackOnly(String bind) {
        try {
            return InetAddress.getByName(bind).isLoopbackAddress();
        } catch (java.net.UnknownHostException | SecurityException e) {
            return false;
        }
    }
}
