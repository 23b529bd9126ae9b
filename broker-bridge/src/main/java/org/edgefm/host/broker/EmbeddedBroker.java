package org.edgefm.host.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.interceptor.publish.PublishOutboundInterceptor;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.EdgeFmException;
import org.edgefm.wire.WireCodec;
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
 *
 * <p>This class starts and stops HiveMQ and reports on it (connections, message counts, refusals);
 * {@link BrokerConfigFile} writes its configuration, {@link BrokerAccess} decides who may connect
 * and what each session may do, {@link PublishLimiter} enforces the publish limits and
 * {@link RefusalCounts} counts what was refused.
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
    private final RefusalCounts refusals = new RefusalCounts();
    private final BrokerAccess access;
    private final BrokerConfigFile configFile;
    private volatile EmbeddedHiveMQ hivemq;

    /** Creates the broker; {@link #start()} starts it. */
    public EmbeddedBroker(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
        this.policy = new BrokerPolicy(settings.fleet(), settings.hostUser());
        this.access = new BrokerAccess(settings, policy, refusals, () -> hivemq != null);
        this.configFile = new BrokerConfigFile(settings);
    }

    /** Starts the broker and waits until it listens. */
    public void start() {
        access.readClientCa();
        Path conf = settings.workDir().resolve("conf");
        Path data = settings.workDir().resolve("data");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(data);
            // empty: the broker's only extension is embedded, but HiveMQ warns when the folder is missing
            Files.createDirectories(settings.workDir().resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), configFile.xml(conf), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(conf.resolve("config.xml"), PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // keep defaults
            }
        } catch (IOException | GeneralSecurityException e) {
            configFile.clearSecrets();
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
            configFile.clearSecrets();
        }
        LOG.info("embedded broker listening on {}{}{} (fleet {}, {}{})", settings.bindAddress(),
                settings.port() > 0 ? ":" + settings.port() : "", settings.tlsPort() > 0 ? ", TLS on " + settings.tlsPort() : "",
                settings.fleet(), settings.credentials() == null ? "no accounts" : settings.credentials().users().size() + " accounts",
                settings.clientCa() == null ? "" : ", client certificates of " + settings.clientCa());
    }

    /** The policy this broker enforces. */
    public BrokerPolicy policy() {
        return policy;
    }

    /** Every kind of refusal {@link #refusals()} counts. */
    public static final List<String> REFUSAL_KINDS = RefusalCounts.KINDS;

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
        return refusals.snapshot();
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
        return access.credentials();
    }

    /** The client CA's certificates (null without client certificates or before {@link #start()}). */
    public List<X509Certificate> clientCas() {
        return access.clientCas();
    }

    /** The CRL file this broker reads (beside the client CA), or null without client certificates. */
    public Path revocationList() {
        return access.revocationList();
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
    public List<String> reload(Credentials accounts, X509CRL revoked) {
        return access.reload(accounts, revoked);
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
            Services.securityRegistry().setAuthenticatorProvider(i -> access.authenticator());
            PublishLimiter limiter = new PublishLimiter(settings.limits(), refusals);
            PublishOutboundInterceptor keys = access.keysGuard();
            Services.initializerRegistry().setClientInitializer((input, client) -> {
                client.addPublishInboundInterceptor(limiter);
                if (!settings.open()) {
                    client.addPublishOutboundInterceptor(keys);
                }
            });
            Services.eventRegistry().setClientLifecycleEventListener(i -> access.sessionEnd());
        }

        @Override
        public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
        }
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
