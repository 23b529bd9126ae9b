package org.edgefm.host.broker;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * HiveMQ's {@code config.xml} for the embedded broker: listeners (plain, TLS with the client CA's
 * trust store), queue and packet limits, in-memory persistence. Passwords never reach the file: each
 * appears as a placeholder HiveMQ fills from a system property, set until the broker has started
 * ({@link #clearSecrets()}).
 */
final class BrokerConfigFile {
    private final EmbeddedBroker.Settings settings;
    /** System properties that carry the keystore and truststore passwords to HiveMQ while it starts. */
    private final List<String> secretProperties = new ArrayList<>();

    BrokerConfigFile(EmbeddedBroker.Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings is null");
    }

    /**
     * The configuration; sets a system property per secret it names (see {@link #clearSecrets()}).
     *
     * @param conf the configuration folder (the client CA's trust store is written there)
     */
    String xml(Path conf) throws IOException, GeneralSecurityException {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\"?>\n<hivemq>\n  <listeners>\n");
        if (settings.port() > 0) {
            x.append("    <tcp-listener><port>").append(settings.port()).append("</port><bind-address>")
                    .append(escape(settings.bindAddress())).append("</bind-address></tcp-listener>\n");
        }
        if (settings.tlsPort() > 0) {
            x.append("    <tls-tcp-listener><port>").append(settings.tlsPort()).append("</port><bind-address>")
                    .append(escape(settings.bindAddress())).append("</bind-address><tls>\n      <keystore><path>")
                    .append(escape(settings.keystore().toAbsolutePath().toString())).append("</path><password>")
                    .append(secret(settings.keystorePassword())).append("</password><private-key-password>")
                    .append(secret(settings.keystorePassword())).append("</private-key-password></keystore>\n");
            if (settings.clientCa() != null) {
                char[] tsPassword = randomPassword();
                Path ts = conf.resolve("client-ca.p12");
                ClientCertificates.writeTrustStore(settings.clientCa(), ts, tsPassword);
                x.append("      <truststore><path>").append(escape(ts.toAbsolutePath().toString())).append("</path><password>")
                        .append(secret(tsPassword)).append("</password></truststore>\n");
                // OPTIONAL: a node may log in with a certificate or, where accounts exist, a password;
                // the authenticator refuses a connection that has neither
                x.append("      <client-authentication-mode>OPTIONAL</client-authentication-mode>\n");
            }
            x.append("      <protocols>");
            EmbeddedBroker.TLS_PROTOCOLS.forEach(p -> x.append("<protocol>").append(p).append("</protocol>"));
            x.append("</protocols>\n      <cipher-suites>");
            EmbeddedBroker.TLS_CIPHER_SUITES.forEach(c -> x.append("<cipher-suite>").append(c).append("</cipher-suite>"));
            x.append("</cipher-suites>\n      <prefer-server-cipher-suites>true</prefer-server-cipher-suites>\n")
                    .append("    </tls></tls-tcp-listener>\n");
        }
        EmbeddedBroker.Limits l = settings.limits();
        x.append("  </listeners>\n")
                .append("  <mqtt><receive-maximum><server-receive-maximum>1000</server-receive-maximum></receive-maximum>\n")
                // The host subscribes to every agent's acks: 1,000 agents acknowledging one burst of
                // directives overflowed HiveMQ's default queue of 1,000 messages per client.
                .append("    <queued-messages><max-queue-size>").append(EmbeddedBroker.QUEUED_MESSAGES_PER_CLIENT)
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

    /** Removes the system properties that carried the secrets (once the broker started, or failed to). */
    void clearSecrets() {
        secretProperties.forEach(System::clearProperty);
        secretProperties.clear();
    }

    private static char[] randomPassword() {
        byte[] r = new byte[24];
        new SecureRandom().nextBytes(r);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(r).toCharArray();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
