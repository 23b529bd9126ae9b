package org.edgefm.host.broker;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.auth.parameter.TopicPermission;
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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.EdgeFmException;
import org.edgefm.wire.MessageType;
import org.edgefm.wire.Publisher;
import org.edgefm.wire.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default broker: HiveMQ CE embedded in the host process, MQTT 5 and 3.1.1, on a configurable
 * loopback-or-any port, with an optional TLS listener. When credentials are given, every client must
 * log in; an in-process extension checks the password and gives each session its topic permissions
 * (the same rules as the shipped Mosquitto ACL file, {@code mosquitto/edgefm.acl}):
 * <ul>
 *   <li>the host account may publish and subscribe to everything under {@code edgefm/v1/};</li>
 *   <li>the account of node {@code ID} may publish only its own {@code node/ID/} birth, death,
 *       telemetry, ack and result, and subscribe only to its own directive and command topics and to
 *       {@code host/state}; directives and commands are the host's alone.</li>
 * </ul>
 * Without credentials the broker is open (development only; the host logs a warning).
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
     * Broker settings.
     *
     * @param bindAddress   address to listen on ({@code 127.0.0.1} or {@code 0.0.0.0})
     * @param port          plain MQTT port (0 = disabled when a TLS port is set)
     * @param tlsPort       TLS port, or 0 for no TLS listener
     * @param keystore      JKS/PKCS12 keystore with the server key, for TLS
     * @param keystorePassword its password; never logged or printed
     * @param credentials   accounts, or null for an open broker
     * @param hostUser      the host's account
     * @param workDir       folder for the broker's configuration and data
     */
    public record Settings(String bindAddress, int port, int tlsPort, Path keystore, char[] keystorePassword,
            Credentials credentials, String hostUser, Path workDir) {
        /** Validates the fields. */
        public Settings {
            Objects.requireNonNull(bindAddress, "bindAddress is null");
            Objects.requireNonNull(hostUser, "hostUser is null");
            Objects.requireNonNull(workDir, "workDir is null");
            if (port <= 0 && tlsPort <= 0) {
                throw new IllegalArgumentException("port: " + port + " (expected: > 0, or a TLS port)");
            }
            if (tlsPort > 0 && (keystore == null || keystorePassword == null)) {
                throw new IllegalArgumentException("tlsPort: " + tlsPort + " needs a keystore and its password");
            }
        }

        @Override
        public String toString() {
            return "Settings[bind=" + bindAddress + ", port=" + port + ", tlsPort=" + tlsPort + ", keystore=" + keystore
                    + ", keystorePassword=***, credentials=" + credentials + ", hostUser=" + hostUser + "]";
        }
    }

    private final Settings settings;
    private EmbeddedHiveMQ hivemq;

    /** Creates the broker; {@link #start()} starts it. */
    public EmbeddedBroker(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
    }

    /** Starts the broker and waits until it listens. */
    public void start() {
        Path conf = settings.workDir().resolve("conf");
        Path data = settings.workDir().resolve("data");
        try {
            Files.createDirectories(conf);
            Files.createDirectories(data);
            // empty: the broker's only extension is embedded, but HiveMQ warns when the folder is missing
            Files.createDirectories(settings.workDir().resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), configXml(), StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(conf.resolve("config.xml"),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // keep defaults
            }
        } catch (IOException e) {
            throw new EdgeFmException("embedded broker: cannot write its configuration under " + settings.workDir()
                    + ": " + e.getMessage(), e);
        }
        if (settings.credentials() == null && loopbackOnly(settings.bindAddress())) {
            // this machine's processes only (as edgefm trial runs it): a note, not a warning
            LOG.info("embedded broker runs without authentication on {} (loopback only; no credentials file)",
                    settings.bindAddress());
        } else if (settings.credentials() == null) {
            LOG.warn("embedded broker runs WITHOUT authentication: every client may publish anything (no credentials file)");
        }
        EmbeddedExtension ext = EmbeddedExtension.builder().withId("edgefm-security").withName("EdgeFM security")
                .withVersion("1").withPriority(1000).withStartPriority(1000)
                .withExtensionMain(new SecurityExtension(settings)).build();
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
        }
        LOG.info("embedded broker listening on {}:{}{} ({})", settings.bindAddress(), settings.port(),
                settings.tlsPort() > 0 ? ", TLS on " + settings.tlsPort() : "",
                settings.credentials() == null ? "open" : settings.credentials().users().size() + " accounts");
    }

    private String configXml() {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n");
        if (settings.port() > 0) {
            x.append("    <tcp-listener><port>").append(settings.port()).append("</port><bind-address>")
                    .append(xml(settings.bindAddress())).append("</bind-address></tcp-listener>\n");
        }
        if (settings.tlsPort() > 0) {
            String pw = xml(new String(settings.keystorePassword()));
            x.append("    <tls-tcp-listener><port>").append(settings.tlsPort()).append("</port><bind-address>")
                    .append(xml(settings.bindAddress())).append("</bind-address><tls><keystore><path>")
                    .append(xml(settings.keystore().toAbsolutePath().toString())).append("</path><password>").append(pw)
                    .append("</password><private-key-password>").append(pw)
                    .append("</private-key-password></keystore></tls></tls-tcp-listener>\n");
        }
        x.append("  </listeners>\n")
                .append("  <mqtt><receive-maximum><server-receive-maximum>1000</server-receive-maximum></receive-maximum>\n")
                // The host subscribes to every agent's acks: 1,000 agents acknowledging one burst of
                // directives overflowed HiveMQ's default queue of 1,000 messages per client.
                .append("    <queued-messages><max-queue-size>").append(QUEUED_MESSAGES_PER_CLIENT)
                .append("</max-queue-size></queued-messages></mqtt>\n")
                .append("  <persistence><mode>in-memory</mode></persistence>\n")
                .append("  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n")
                .append("</hivemq>\n");
        return x.toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
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

    /** Registers the authenticator that also assigns each session its topic permissions. */
    private static final class SecurityExtension implements ExtensionMain {
        private final Settings settings;

        SecurityExtension(Settings settings) {
            this.settings = settings;
        }

        @Override
        public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
            Services.securityRegistry().setAuthenticatorProvider(i -> new Authenticator(settings));
        }

        @Override
        public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
        }
    }

    private static final class Authenticator implements SimpleAuthenticator {
        private final Settings settings;

        Authenticator(Settings settings) {
            this.settings = settings;
        }

        @Override
        public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
            String user = input.getConnectPacket().getUserName().orElse(null);
            Credentials creds = settings.credentials();
            ModifiableDefaultPermissions perms = output.getDefaultPermissions();
            if (creds == null) {
                perms.setDefaultBehaviour(DefaultAuthorizationBehaviour.ALLOW);
                output.authenticateSuccessfully();
                return;
            }
            byte[] pw = input.getConnectPacket().getPassword().map(EmbeddedBroker::bytes).orElse(null);
            if (user == null || !creds.verify(user, pw)) {
                LOG.warn("refused MQTT login of client {} as {}: bad username or password",
                        input.getClientInformation().getClientId(), user == null ? "(no username)" : "'" + user + "'");
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD, "bad username or password");
                return;
            }
            perms.setDefaultBehaviour(DefaultAuthorizationBehaviour.DENY);
            if (user.equals(settings.hostUser())) {
                perms.add(allow(Topics.ALL_FLEETS_FILTER, TopicPermission.MqttActivity.ALL));
            } else {
                for (String filter : agentPublishFilters(user)) {
                    perms.add(allow(filter, TopicPermission.MqttActivity.PUBLISH));
                }
                for (String filter : agentSubscribeFilters(user)) {
                    perms.add(allow(filter, TopicPermission.MqttActivity.SUBSCRIBE));
                }
            }
            output.authenticateSuccessfully();
        }

        private static TopicPermission allow(String filter, TopicPermission.MqttActivity activity) {
            return Builders.topicPermission().topicFilter(filter).type(TopicPermission.PermissionType.ALLOW)
                    .activity(activity).build();
        }
    }

    /** The topics node {@code node}'s account may publish to, in every fleet. */
    public static List<String> agentPublishFilters(String node) {
        return java.util.Arrays.stream(MessageType.values())
                .filter(t -> t.perNode() && t.publisher() == Publisher.AGENT)
                .map(t -> Topics.ROOT + "/+/node/" + node + "/" + t.level()).toList();
    }

    /** The topic filters node {@code node}'s account may subscribe to, in every fleet. */
    public static List<String> agentSubscribeFilters(String node) {
        List<String> out = new java.util.ArrayList<>(java.util.Arrays.stream(MessageType.values())
                .filter(t -> t.perNode() && t.publisher() == Publisher.HOST)
                .map(t -> Topics.ROOT + "/+/node/" + node + "/" + t.level()).toList());
        out.add(Topics.ROOT + "/+/host/state");
        return out;
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
