package org.edgefm.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.edgefm.api.EdgeFmException;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** The two Paho transports: MQTT 5 ({@code mqttv5.client}) and MQTT 3.1.1 ({@code client.mqttv3}). */
public final class PahoTransports {
    private static final long TIMEOUT_MS = 10_000;
    /** MQTT 5 DISCONNECT reason code: another connection with the same client id replaced this one. */
    static final int SESSION_TAKEN_OVER = 0x8E;

    private PahoTransports() {
    }

    /** Connection settings shared by both transports; the password is never printed. */
    public record Settings(String url, String clientId, String username, String password, SSLSocketFactory tls) {
        @Override
        public String toString() {
            return "Settings[url=" + url + ", clientId=" + clientId + ", username=" + username + "]";
        }
    }

    /**
     * A TLS socket factory: trusting the CA certificate(s) of {@code caPem} (or the JVM's trust store when
     * null) and, with {@code keystore}, presenting this node's client certificate (mutual TLS). The
     * keystore's password is read from {@code KEYSTORE.password} or {@code EDGEFM_TLS_KEYSTORE_PASSWORD}.
     */
    public static SSLSocketFactory tls(Path caPem, Path keystore) {
        if (keystore == null) {
            return caPem == null ? null : trusting(caPem);
        }
        try {
            char[] pw = keystorePassword(keystore);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, pw);
            }
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caPem == null) {
                tmf.init((KeyStore) null);
            } else {
                tmf.init(caStore(caPem));
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new EdgeFmException("tlsKeystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static char[] keystorePassword(Path keystore) throws IOException {
        Path side = Path.of(keystore + ".password");
        if (Files.isReadable(side)) {
            return Files.readString(side).strip().toCharArray();
        }
        String env = System.getenv("EDGEFM_TLS_KEYSTORE_PASSWORD");
        if (env != null) {
            return env.toCharArray();
        }
        throw new EdgeFmException("tlsKeystore " + keystore + ": no password (expected " + side
                + " or EDGEFM_TLS_KEYSTORE_PASSWORD)");
    }

    private static KeyStore caStore(Path caPem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new EdgeFmException("tlsCaFile " + caPem + ": no certificate in it");
            }
            return ks;
        }
    }

    /** Builds a socket factory trusting the CA certificate(s) in a PEM file. */
    public static SSLSocketFactory trusting(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            if (i == 0) {
                throw new EdgeFmException("tlsCaFile " + caPem + ": no certificate in it");
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new EdgeFmException("tlsCaFile " + caPem + ": " + e.getMessage(), e);
        }
    }

    /** MQTT 5. */
    public static final class V5 implements MqttTransport {
        private final Settings s;
        private volatile MqttAsyncClient client;
        private volatile boolean closing;

        /** A transport with these settings. */
        public V5(Settings s) {
            this.s = s;
        }

        @Override
        public void connect(Will will, Handler handler) throws MqttLinkException {
            MqttAsyncClient c = null;
            try {
                c = new MqttAsyncClient(s.url(), s.clientId(), new MemoryPersistence());
                MqttConnectionOptions o = new MqttConnectionOptions();
                o.setCleanStart(true);
                o.setAutomaticReconnect(false);
                o.setKeepAliveInterval(10);
                o.setConnectionTimeout(5);
                if (s.username() != null) {
                    o.setUserName(s.username());
                }
                if (s.password() != null) {
                    o.setPassword(s.password().getBytes(StandardCharsets.UTF_8));
                }
                if (s.tls() != null) {
                    o.setSocketFactory(s.tls());
                }
                MqttMessage w = new MqttMessage(will.payload());
                w.setQos(will.qos());
                w.setRetained(will.retained());
                o.setWill(will.topic(), w);
                c.setCallback(new MqttCallback() {
                    @Override
                    public void disconnected(MqttDisconnectResponse r) {
                        if (!closing) {
                            String why = r.getReasonString() != null ? r.getReasonString()
                                    : r.getException() != null ? String.valueOf(r.getException().getMessage()) : "disconnected";
                            if (r.getReturnCode() == SESSION_TAKEN_OVER) {
                                handler.takenOver("session taken over (reason 0x8E): another client connected with client id '"
                                        + s.clientId() + "'" + (r.getReasonString() == null ? "" : " (" + why + ")"));
                            } else {
                                handler.connectionLost(why);
                            }
                        }
                    }

                    @Override
                    public void mqttErrorOccurred(MqttException e) {
                    }

                    @Override
                    public void messageArrived(String topic, MqttMessage m) {
                        handler.message(topic, m.getPayload());
                    }

                    @Override
                    public void deliveryComplete(IMqttToken t) {
                    }

                    @Override
                    public void connectComplete(boolean reconnect, String uri) {
                    }

                    @Override
                    public void authPacketArrived(int reason, MqttProperties p) {
                    }
                });
                closing = false;
                c.connect(o).waitForCompletion(TIMEOUT_MS);
                client = c;
            } catch (MqttException e) {
                release(c);
                int rc = e.getReasonCode();
                boolean refused = rc == MqttException.REASON_CODE_UNSUPPORTED_PROTOCOL_VERSION
                        || rc == MqttException.REASON_CODE_INVALID_RETURN_CODE || rc == MqttException.REASON_CODE_MALFORMED_PACKET
                        || rc == 1;
                String tls = TlsFailure.of(e);
                throw new MqttLinkException("MQTT 5 connect to " + s.url() + " failed: " + (tls != null ? tls
                        : e.getMessage() + " (reason " + rc + ")"), refused && tls == null, e);
            }
        }

        private static void release(MqttAsyncClient c) {
            if (c != null) {
                try {
                    c.close(true);
                } catch (MqttException ignored) {
                    // a failed attempt: nothing more to free
                }
            }
        }

        @Override
        public void subscribe(String... filters) throws MqttLinkException {
            try {
                MqttSubscription[] subs = new MqttSubscription[filters.length];
                for (int i = 0; i < filters.length; i++) {
                    subs[i] = new MqttSubscription(filters[i], 1);
                }
                client.subscribe(subs).waitForCompletion(TIMEOUT_MS);
            } catch (MqttException e) {
                throw new MqttLinkException("subscribe failed: " + e.getMessage(), false, e);
            }
        }

        @Override
        public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            MqttAsyncClient c = client;
            if (c == null || !c.isConnected()) {
                f.completeExceptionally(new IllegalStateException("not connected"));
                return f;
            }
            try {
                c.publish(topic, payload, qos, retained, null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken t) {
                        f.complete(null);
                    }

                    @Override
                    public void onFailure(IMqttToken t, Throwable e) {
                        f.completeExceptionally(e);
                    }
                });
            } catch (MqttException e) {
                f.completeExceptionally(e);
            }
            return f;
        }

        @Override
        public void disconnect() {
            closing = true;
            MqttAsyncClient c = client;
            client = null;
            if (c != null) {
                try {
                    if (c.isConnected()) {
                        c.disconnect(2000).waitForCompletion(3000);
                    }
                } catch (MqttException ignored) {
                    // closing anyway
                }
                try {
                    c.close(true);
                } catch (MqttException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public void disconnectUncleanly() {
            closing = true;
            MqttAsyncClient c = client;
            client = null;
            if (c != null) {
                try {
                    c.disconnectForcibly(0, 100, false);
                    c.close(true);
                } catch (MqttException ignored) {
                    // dropping anyway
                }
            }
        }

        @Override
        public String protocol() {
            return "MQTT 5";
        }
    }

    /** MQTT 3.1.1, for brokers that do not speak 5. */
    public static final class V3 implements MqttTransport {
        private final Settings s;
        private volatile org.eclipse.paho.client.mqttv3.MqttAsyncClient client;
        private volatile boolean closing;

        /** A transport with these settings. */
        public V3(Settings s) {
            this.s = s;
        }

        @Override
        public void connect(Will will, Handler handler) throws MqttLinkException {
            org.eclipse.paho.client.mqttv3.MqttAsyncClient c = null;
            try {
                c = new org.eclipse.paho.client.mqttv3.MqttAsyncClient(s.url(), s.clientId(),
                        new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
                MqttConnectOptions o = new MqttConnectOptions();
                o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
                o.setCleanSession(true);
                o.setAutomaticReconnect(false);
                o.setKeepAliveInterval(10);
                o.setConnectionTimeout(5);
                o.setMaxInflight(1000);
                if (s.username() != null) {
                    o.setUserName(s.username());
                }
                if (s.password() != null) {
                    o.setPassword(s.password().toCharArray());
                }
                if (s.tls() != null) {
                    o.setSocketFactory(s.tls());
                }
                o.setWill(will.topic(), will.payload(), will.qos(), will.retained());
                c.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
                    @Override
                    public void connectionLost(Throwable cause) {
                        if (!closing) {
                            handler.connectionLost(String.valueOf(cause.getMessage()));
                        }
                    }

                    @Override
                    public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage m) {
                        handler.message(topic, m.getPayload());
                    }

                    @Override
                    public void deliveryComplete(IMqttDeliveryToken t) {
                    }
                });
                closing = false;
                c.connect(o).waitForCompletion(TIMEOUT_MS);
                client = c;
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                if (c != null) {
                    try {
                        c.close(true);
                    } catch (org.eclipse.paho.client.mqttv3.MqttException ignored) {
                        // a failed attempt: nothing more to free
                    }
                }
                String tls = TlsFailure.of(e);
                throw new MqttLinkException("MQTT 3.1.1 connect to " + s.url() + " failed: " + (tls != null ? tls
                        : e.getMessage() + " (reason " + e.getReasonCode() + ")"), false, e);
            }
        }

        @Override
        public void subscribe(String... filters) throws MqttLinkException {
            try {
                int[] qos = new int[filters.length];
                java.util.Arrays.fill(qos, 1);
                client.subscribe(filters, qos).waitForCompletion(TIMEOUT_MS);
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                throw new MqttLinkException("subscribe failed: " + e.getMessage(), false, e);
            }
        }

        @Override
        public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retained) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            var c = client;
            if (c == null || !c.isConnected()) {
                f.completeExceptionally(new IllegalStateException("not connected"));
                return f;
            }
            try {
                c.publish(topic, payload, qos, retained, null, new IMqttActionListener() {
                    @Override
                    public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken t) {
                        f.complete(null);
                    }

                    @Override
                    public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken t, Throwable e) {
                        f.completeExceptionally(e);
                    }
                });
            } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
                f.completeExceptionally(e);
            }
            return f;
        }

        @Override
        public void disconnect() {
            closing = true;
            var c = client;
            client = null;
            if (c != null) {
                try {
                    if (c.isConnected()) {
                        c.disconnect(2000).waitForCompletion(3000);
                    }
                    c.close();
                } catch (org.eclipse.paho.client.mqttv3.MqttException ignored) {
                    // closing anyway
                }
            }
        }

        @Override
        public void disconnectUncleanly() {
            closing = true;
            var c = client;
            client = null;
            if (c != null) {
                try {
                    c.disconnectForcibly(0, 100, false);
                    c.close();
                } catch (org.eclipse.paho.client.mqttv3.MqttException ignored) {
                    // dropping anyway
                }
            }
        }

        @Override
        public String protocol() {
            return "MQTT 3.1.1";
        }
    }
}
