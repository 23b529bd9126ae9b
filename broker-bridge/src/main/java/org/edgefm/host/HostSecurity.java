package org.edgefm.host;

import org.edgefm.host.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.util.List;
import org.edgefm.api.ConfigException;

/**
 * The host's security settings (configuration keys in brackets; see {@code broker-bridge/README.md},
 * "Security").
 *
 * @param insecure      [{@code insecure}] allow an open broker (no credentials file, no client CA) on
 *                      a non-loopback bind address; default false
 * @param clientCa      [{@code clientCa}] PEM file of the fleet CA: the embedded broker accepts client
 *                      certificates it signed, CN = node id (mutual TLS); null = passwords only
 * @param limits        [{@code broker.maxPacketBytes}, {@code broker.maxRetainedBytes},
 *                      {@code broker.publishesPerSecond}, {@code broker.publishBurst}] per-client limits
 *                      of the embedded broker
 * @param httpTokenFile [{@code httpTokenFile}] file holding the HTTP API's bearer token; created (0600,
 *                      random token, printed once) when missing; default {@code DATADIR/http-token}
 * @param httpHosts     [{@code httpHosts}] extra names the HTTP API answers to in the Host header
 *                      (comma-separated), besides loopback names and the bind address
 */
public record HostSecurity(boolean insecure, Path clientCa, EmbeddedBroker.Limits limits, Path httpTokenFile,
        List<String> httpHosts) {
    /** Validates the fields. */
    public HostSecurity {
        limits = limits == null ? EmbeddedBroker.Limits.defaults() : limits;
        httpHosts = List.copyOf(httpHosts == null ? List.of() : httpHosts);
        for (String h : httpHosts) {
            if (h.isBlank() || !h.matches("[A-Za-z0-9.:\\[\\]-]+")) {
                throw new ConfigException("httpHosts: '" + h + "' (expected: host names or addresses)");
            }
        }
    }

    /** Secure defaults: no open broker beyond loopback, limits on, token next to the host's data. */
    public static HostSecurity defaults() {
        return new HostSecurity(false, null, EmbeddedBroker.Limits.defaults(), null, List.of());
    }
}
