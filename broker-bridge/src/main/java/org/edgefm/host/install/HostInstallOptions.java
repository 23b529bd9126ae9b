package org.edgefm.host.install;

import java.nio.file.Path;

/**
 * What {@code edgefm host install} was asked for: one field per command-line option, as given. A
 * null field is an option that was not given (its key, if any, then stays as the base configuration
 * has it).
 *
 * @param config      {@code --config}: the host configuration to start from, or null for the installed one, if any
 * @param fleet       {@code --fleet}: the fleet name
 * @param brokerUrl   {@code --broker}: an external broker instead of the embedded one
 * @param brokerBind  {@code --broker-bind}: the embedded broker's address (an install defaults to 0.0.0.0)
 * @param brokerPort  {@code --broker-port}: the embedded broker's port
 * @param httpBind    {@code --http-bind}: the HTTP API's address
 * @param httpPort    {@code --http-port}: the HTTP API's port
 * @param planner     {@code --planner}: a preset or CORE+LIGHT
 * @param scenario    {@code --scenario}: a built-in scenario name, or a file (copied to {@code /etc/edgefm})
 * @param credentials {@code --credentials}: a broker accounts file to install
 * @param root        {@code --root}: {@code /} to install in place, another folder to stage an image (null: {@code /})
 * @param java        {@code --java}: the java the unit runs, or null for the one running this install
 * @param heap        {@code --heap}: the JVM's {@code -Xmx} (null: {@value #DEFAULT_HEAP})
 * @param lib         {@code --lib}: the release's lib folder, or null for this release's ({@code edgefm.home}/lib)
 */
public record HostInstallOptions(Path config, String fleet, String brokerUrl, String brokerBind, Integer brokerPort,
        String httpBind, Integer httpPort, String planner, String scenario, Path credentials, Path root, Path java,
        String heap, Path lib) {
    /** The default heap of the unit's JVM. */
    public static final String DEFAULT_HEAP = "1g";

    /**
     * Fills in the defaults and checks the heap size.
     *
     * @throws IllegalArgumentException for a heap that is not a size such as {@code 1g} (a usage error)
     */
    public HostInstallOptions {
        root = root == null ? Path.of("/") : root;
        heap = heap == null ? DEFAULT_HEAP : heap;
        if (!heap.matches("[1-9][0-9]*[kKmMgG]")) {
            throw new IllegalArgumentException("--heap: '" + heap + "' (expected: a size such as 1g)");
        }
    }
}
