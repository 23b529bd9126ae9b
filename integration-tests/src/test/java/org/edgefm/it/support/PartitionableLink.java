package org.edgefm.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The network between one agent and the rest of the fleet, which a test can cut and heal. Where the
 * machine allows it (root, {@code ip netns}) the agent runs in its own network namespace joined to
 * this one by a veth pair, and a cut takes the link down: control and data plane are both gone,
 * nothing is closed. Elsewhere the agent reaches the broker through a {@link TcpProxy} that holds
 * all bytes while cut (a port block of the control plane only); {@code -Dedgefm.it.partition=proxy}
 * chooses the proxy everywhere. {@link #method()} says which ran.
 */
public abstract sealed class PartitionableLink implements AutoCloseable {
    /** Opens a link to a broker on {@code brokerPort}: a network namespace if possible, else a proxy. */
    public static PartitionableLink open(int brokerPort) throws IOException {
        String why = "proxy".equals(System.getProperty("edgefm.it.partition"))
                ? "-Dedgefm.it.partition=proxy" : Netns.unavailable();
        if (why == null) {
            try {
                return new Netns(brokerPort);
            } catch (IOException e) {
                why = e.getMessage();
            }
        }
        return new Proxy(brokerPort, why);
    }

    /** Which method runs, in words, for the test's output. */
    public abstract String method();

    /** {@code netns} or {@code port-block}. */
    public abstract String kind();

    /** The address the broker must bind so that the agent can reach it. */
    public abstract String brokerBind();

    /** The broker URL the agent behind this link uses. */
    public abstract String agentBrokerUrl();

    /** Command prefix that starts the agent behind this link. */
    public abstract List<String> agentCommandPrefix();

    /** The address the agent behind this link binds and advertises for task data. */
    public abstract String agentDataHost();

    /** The address the other agents bind and advertise for task data (reachable from behind the link). */
    public abstract String peerDataHost();

    /** Cuts the link. */
    public abstract void cut() throws IOException;

    /** Heals the link. */
    public abstract void heal() throws IOException;

    @Override
    public abstract void close() throws IOException;

    static String run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + ": " + (out.isEmpty() ? "failed" : out));
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
    }

    /** The agent in its own network namespace, joined by a veth pair; a cut takes the link down. */
    static final class Netns extends PartitionableLink {
        private final String ns;
        private final String vethHost;
        private final String hostIp;
        private final String agentIp;
        private final int brokerPort;
        private final List<String> created = new ArrayList<>();

        /** Null when namespaces can be used here, else why not. */
        static String unavailable() {
            if (!"root".equals(System.getProperty("user.name"))) {
                return "not root";
            }
            if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/sbin/ip"))
                    && !java.nio.file.Files.isExecutable(java.nio.file.Path.of("/sbin/ip"))) {
                return "no ip command (iproute2)";
            }
            return null;
        }

        Netns(int brokerPort) throws IOException {
            this.brokerPort = brokerPort;
            int id = ThreadLocalRandom.current().nextInt(1, 250);
            String tag = Long.toString(ProcessHandle.current().pid() % 100_000) + "x" + id;
            this.ns = "efm" + tag;
            this.vethHost = "ve" + tag;
            String vethAgent = "va" + tag;
            this.hostIp = "10.231." + id + ".1";
            this.agentIp = "10.231." + id + ".2";
            try {
                run("ip", "netns", "add", ns);
                created.add("ns");
                run("ip", "link", "add", vethHost, "type", "veth", "peer", "name", vethAgent);
                created.add("veth");
                run("ip", "link", "set", vethAgent, "netns", ns);
                run("ip", "addr", "add", hostIp + "/30", "dev", vethHost);
                run("ip", "link", "set", vethHost, "up");
                run("ip", "-n", ns, "addr", "add", agentIp + "/30", "dev", vethAgent);
                run("ip", "-n", ns, "link", "set", vethAgent, "up");
                run("ip", "-n", ns, "link", "set", "lo", "up");
            } catch (IOException e) {
                close();
                throw new IOException("network namespace not available (" + e.getMessage() + ")", e);
            }
        }

        @Override
        public String method() {
            return "network namespace " + ns + " (veth " + hostIp + " <-> " + agentIp + ", cut = link down)";
        }

        @Override
        public String kind() {
            return "netns";
        }

        @Override
        public String brokerBind() {
            return "0.0.0.0";
        }

        @Override
        public String agentBrokerUrl() {
            return "tcp://" + hostIp + ":" + brokerPort;
        }

        @Override
        public List<String> agentCommandPrefix() {
            return List.of("ip", "netns", "exec", ns);
        }

        @Override
        public String agentDataHost() {
            return agentIp;
        }

        @Override
        public String peerDataHost() {
            return hostIp;
        }

        @Override
        public void cut() throws IOException {
            run("ip", "link", "set", vethHost, "down");
        }

        @Override
        public void heal() throws IOException {
            run("ip", "link", "set", vethHost, "up");
        }

        @Override
        public void close() {
            if (created.contains("veth")) {
                try {
                    run("ip", "link", "del", vethHost);
                } catch (IOException ignored) {
                    // gone with the namespace
                }
            }
            if (created.contains("ns")) {
                try {
                    run("ip", "netns", "del", ns);
                } catch (IOException ignored) {
                    // teardown
                }
            }
            created.clear();
        }
    }

    /** The agent reaches the broker through a {@link TcpProxy}; a cut holds every byte. */
    static final class Proxy extends PartitionableLink {
        private final TcpProxy proxy;
        private final String why;

        Proxy(int brokerPort, String whyNotNetns) throws IOException {
            this.proxy = new TcpProxy("127.0.0.1", brokerPort);
            this.why = whyNotNetns;
        }

        @Override
        public String method() {
            return "port block: in-test TCP proxy 127.0.0.1:" + proxy.port() + " to the broker (control plane only; "
                    + "network namespace not used: " + why + ")";
        }

        @Override
        public String kind() {
            return "port-block";
        }

        @Override
        public String brokerBind() {
            return "127.0.0.1";
        }

        @Override
        public String agentBrokerUrl() {
            return "tcp://127.0.0.1:" + proxy.port();
        }

        @Override
        public List<String> agentCommandPrefix() {
            return List.of();
        }

        @Override
        public String agentDataHost() {
            return "127.0.0.1";
        }

        @Override
        public String peerDataHost() {
            return "127.0.0.1";
        }

        @Override
        public void cut() {
            proxy.cut();
        }

        @Override
        public void heal() {
            proxy.restore();
        }

        @Override
        public void close() throws IOException {
            proxy.close();
        }
    }
}
