package org.edgefm.it.support;

import static org.edgefm.it.support.PartitionableLink.run;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Machines on one LAN, on this machine. Where it can (root, {@code ip}), each machine is its own
 * network namespace with one interface {@code eth0} and its own address in a /24, joined by veth
 * pairs to a bridge that lives in a namespace of its own; {@code tc tbf} caps each machine's
 * outgoing bandwidth. The test process joins the LAN as an observer (a veth in this namespace, the
 * subnet's .254) to watch the broker. Elsewhere every machine is this one's loopback and
 * {@link #method()} says why. Names carry a per-run tag; {@link #close()} removes everything.
 */
public final class Lan implements AutoCloseable {
    /** One machine: the command prefix that runs a process on it, and its address. */
    public record Machine(String name, String address, List<String> prefix, String namespace) {
    }

    private final String tag;
    private final String why;
    private final String lanNs;
    private final String observerLink;
    private final String subnet;
    private final String rate;
    private final Map<String, Machine> machines = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();

    private Lan(String tag, String why, String subnet, String rate) {
        this.tag = tag;
        this.why = why;
        this.subnet = subnet;
        this.rate = rate;
        this.lanNs = why == null ? "efl" + tag : null;
        this.observerLink = why == null ? "efo" + tag : null;
    }

    /**
     * A LAN whose links are capped at {@code rate} ({@code tc tbf} syntax, e.g. {@code 50mbit}):
     * namespaces where possible, loopback otherwise.
     */
    public static Lan open(String rate) {
        String tag = Long.toString(ProcessHandle.current().pid() % 10_000) + Integer.toString(
                ThreadLocalRandom.current().nextInt(36 * 36), 36);
        String why = unavailable();
        String subnet = null;
        if (why == null) {
            subnet = freeSubnet();
            if (subnet == null) {
                why = "no free 10.233.x.0/24 subnet";
            }
        }
        Lan lan = new Lan(tag, why, subnet, rate);
        if (why == null) {
            try {
                lan.ns(lan.lanNs);
                run("ip", "-n", lan.lanNs, "link", "add", "br0", "type", "bridge");
                run("ip", "-n", lan.lanNs, "link", "set", "br0", "up");
                run("ip", "link", "add", lan.observerLink, "type", "veth", "peer", "name", "obs", "netns", lan.lanNs);
                run("ip", "-n", lan.lanNs, "link", "set", "obs", "master", "br0");
                run("ip", "-n", lan.lanNs, "link", "set", "obs", "up");
                run("ip", "addr", "add", subnet + ".254/24", "dev", lan.observerLink);
                run("ip", "link", "set", lan.observerLink, "up");
            } catch (IOException e) {
                lan.close();
                return new Lan(tag, "network namespaces failed here (" + e.getMessage() + ")", null, rate);
            }
        }
        return lan;
    }

    /** Null when namespaces can be used, else why not. */
    static String unavailable() {
        if ("loopback".equals(System.getProperty("edgefm.it.lan"))) {
            return "-Dedgefm.it.lan=loopback";
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            return "no ip command (iproute2)";
        }
        return null;
    }

    private static String freeSubnet() {
        String routes;
        try {
            routes = run("ip", "-4", "route", "show");
        } catch (IOException e) {
            return null;
        }
        for (int i = 0; i < 20; i++) {
            String s = "10.233." + ThreadLocalRandom.current().nextInt(1, 250);
            if (!routes.contains(s + ".")) {
                return s;
            }
        }
        return null;
    }

    /** True when the machines are network namespaces. */
    public boolean namespaces() {
        return why == null;
    }

    /** How the LAN is made, for the test's output. */
    public String method() {
        return why == null
                ? "network namespaces (" + subnet + ".0/24 on a bridge, tc tbf " + rate + " per link, tag " + tag + ")"
                : "loopback ports (" + why + ")";
    }

    /** The address the test process reaches the LAN from. */
    public String observerAddress() {
        return why == null ? subnet + ".254" : "127.0.0.1";
    }

    /** Adds a machine; its number picks its address ({@code subnet.N}). */
    public Machine add(String name, int number) throws IOException {
        if (why != null) {
            Machine m = new Machine(name, "127.0.0.1", List.of(), null);
            machines.put(name, m);
            return m;
        }
        String ns = "efm" + tag + "-" + number;
        ns(ns);
        String port = "p" + number;
        run("ip", "-n", lanNs, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        run("ip", "-n", lanNs, "link", "set", port, "master", "br0");
        run("ip", "-n", lanNs, "link", "set", port, "up");
        String address = subnet + "." + number;
        run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        run("ip", "-n", ns, "link", "set", "eth0", "up");
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", rate, "burst", "64kb",
                "latency", "100ms");
        Machine m = new Machine(name, address, List.of("ip", "netns", "exec", ns), ns);
        machines.put(name, m);
        return m;
    }

    /** A TCP port free on the machine (a fresh namespace has all; loopback asks the kernel). */
    public int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The qdisc line of a machine's link ({@code tc qdisc show}), or "" on loopback. */
    public String qdisc(Machine m) throws IOException {
        return m.namespace() == null ? "" : run("ip", "netns", "exec", m.namespace(), "tc", "qdisc", "show", "dev", "eth0");
    }

    private void ns(String name) throws IOException {
        run("ip", "netns", "add", name);
        namespaces.add(name);
    }

    /** Removes the namespaces (their veths go with them) and the observer link. Processes must be stopped first. */
    @Override
    public void close() {
        for (String ns : namespaces) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException ignored) {
                // best effort: the next one still goes
            }
        }
        namespaces.clear();
        if (observerLink != null) {
            try {
                run("ip", "link", "del", observerLink);
            } catch (IOException ignored) {
                // gone with the LAN namespace already
            }
        }
    }
}
