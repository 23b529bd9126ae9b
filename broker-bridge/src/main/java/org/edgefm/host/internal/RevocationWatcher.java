package org.edgefm.host.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509CRL;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.edgefm.api.EdgeFmException;
import org.edgefm.host.broker.Credentials;
import org.edgefm.host.broker.EmbeddedBroker;
import org.edgefm.host.broker.Revocations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code ./edgefm fleet revoke} (and any other edit of the credentials file or the client
 * CA's revocation list) to a running embedded broker: it reads both files every
 * {@link #PERIOD_MS} ms and, when one changed, puts the new accounts and list in force and cuts the
 * sessions they no longer admit ({@link EmbeddedBroker#reload}). A file that does not parse is
 * reported in one line and the previous one stays in force; the host's own account, which is not in
 * the file, is kept.
 */
public final class RevocationWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationWatcher.class);
    /** How often the files are read. */
    public static final long PERIOD_MS = 1_000;

    private final EmbeddedBroker broker;
    private final Path credentialsFile;
    private final Path crlFile;
    private final String hostUser;
    private final ScheduledExecutorService timer;
    private byte[] credentialsSeen;
    private byte[] crlSeen;
    private byte[] badSeen;

    /**
     * Starts watching.
     *
     * @param broker          the running broker
     * @param credentialsFile its accounts file, or null (none)
     * @param hostUser        the host's account, kept across reloads
     */
    public RevocationWatcher(EmbeddedBroker broker, Path credentialsFile, String hostUser) {
        this.broker = broker;
        this.credentialsFile = credentialsFile;
        this.crlFile = broker.revocationList();
        this.hostUser = hostUser;
        this.credentialsSeen = digest(credentialsFile);
        this.crlSeen = digest(crlFile);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgefm-revocation-watcher");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::check, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /** Reads both files now and applies a change (the timer calls it; tests may too). */
    public synchronized List<String> check() {
        try {
            byte[] c = digest(credentialsFile);
            byte[] r = digest(crlFile);
            if (Arrays.equals(c, credentialsSeen) && Arrays.equals(r, crlSeen)) {
                return List.of();
            }
            byte[] both = concat(c, r);
            Credentials accounts;
            X509CRL crl;
            try {
                accounts = credentialsFile == null ? broker.credentials()
                        : Credentials.load(credentialsFile).withAccountOf(broker.credentials(), hostUser);
                crl = crlFile == null ? null : Revocations.load(crlFile, broker.clientCas());
            } catch (EdgeFmException bad) {
                if (!Arrays.equals(both, badSeen)) {
                    badSeen = both;
                    LOG.warn("{}; the accounts and revocations in force stay as they were", bad.getMessage());
                }
                return List.of();
            }
            credentialsSeen = c;
            crlSeen = r;
            List<String> cut = broker.reload(accounts, crl);
            LOG.info("reloaded {}{}: {} account(s), {} revoked certificate(s); {} session(s) cut{}",
                    credentialsFile == null ? "" : credentialsFile, crlFile == null ? "" : (credentialsFile == null ? "" : " and ") + crlFile,
                    accounts == null ? 0 : accounts.users().size(), Revocations.serials(crl).size(), cut.size(),
                    cut.isEmpty() ? "" : " " + cut);
            return cut;
        } catch (RuntimeException e) {
            LOG.warn("checking the broker's accounts and revocations failed: {}", e.toString());
            return List.of();
        }
    }

    private static byte[] digest(Path f) {
        if (f == null) {
            return new byte[0];
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        } catch (NoSuchFileException gone) {
            return new byte[] {0};
        } catch (IOException e) {
            throw new EdgeFmException(f + ": cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
