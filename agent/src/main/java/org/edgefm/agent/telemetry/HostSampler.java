package org.edgefm.agent.telemetry;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.wire.HostMetrics;
import org.edgefm.profiles.MachineFacts;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;

/**
 * Reads host metrics with OSHI: CPU load (total and per core) between two samples, memory, swap,
 * the data volume, network rates between two samples, CPU temperature where readable, and the
 * process uptime. Blocking and not thread-safe: one sampler per telemetry loop, on a worker thread.
 */
public final class HostSampler {
    private final SystemInfo si = new SystemInfo();
    private final HardwareAbstractionLayer hal = si.getHardware();
    private final CentralProcessor cpu = hal.getProcessor();
    private final File dataVolume;
    private long[] prevTicks;
    private long[][] prevCoreTicks;
    private long prevRx = -1;
    private long prevTx = -1;
    private long prevNanos;

    /** A sampler reporting the disk space of the volume holding {@code dataDir}. */
    public HostSampler(Path dataDir) {
        this.dataVolume = dataDir.toFile();
        this.prevTicks = cpu.getSystemCpuLoadTicks();
        this.prevCoreTicks = cpu.getProcessorCpuLoadTicks();
        long[] net = netBytes();
        prevRx = net[0];
        prevTx = net[1];
        prevNanos = System.nanoTime();
    }

    /** Takes one sample; loads and rates cover the time since the previous sample. */
    public HostMetrics sample() {
        double load = clamp(cpu.getSystemCpuLoadBetweenTicks(prevTicks));
        double[] perCore = cpu.getProcessorCpuLoadBetweenTicks(prevCoreTicks);
        prevTicks = cpu.getSystemCpuLoadTicks();
        prevCoreTicks = cpu.getProcessorCpuLoadTicks();
        List<Double> cores = new ArrayList<>(perCore.length);
        for (double d : perCore) {
            cores.add(clamp(d));
        }
        GlobalMemory mem = hal.getMemory();
        long now = System.nanoTime();
        long[] net = netBytes();
        double secs = Math.max(1e-3, (now - prevNanos) / 1e9);
        double rx = Math.max(0, (net[0] - prevRx) / secs);
        double tx = Math.max(0, (net[1] - prevTx) / secs);
        prevRx = net[0];
        prevTx = net[1];
        prevNanos = now;
        double t = hal.getSensors().getCpuTemperature();
        Double temp = Double.isNaN(t) || t <= 0 ? null : t;
        long total = dataVolume.getTotalSpace();
        long used = Math.max(0, total - dataVolume.getUsableSpace());
        return new HostMetrics(load, cores, Math.max(0, mem.getTotal() - mem.getAvailable()), mem.getTotal(),
                mem.getVirtualMemory().getSwapUsed(), mem.getVirtualMemory().getSwapTotal(), used, total, rx, tx, temp,
                ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
    }

    /** The facts detection needs, read with OSHI plus the device-tree and nvidia-smi probes. */
    public static MachineFacts machineFacts() {
        SystemInfo si = new SystemInfo();
        CentralProcessor cpu = si.getHardware().getProcessor();
        String board = MachineFacts.readDeviceTreeModel(MachineFacts.DEVICE_TREE_MODEL);
        java.util.List<String[]> gpus = board == null ? MachineFacts.nvidiaSmiGpus() : java.util.List.of();
        java.util.List<Long> mib = new java.util.ArrayList<>();
        for (String[] g : gpus) {
            Long m = MachineFacts.parseMiB(g[1]);
            if (m == null) {
                break;
            }
            mib.add(m);
        }
        return new MachineFacts(cpu.getProcessorIdentifier().getName().strip(), System.getProperty("os.arch"),
                cpu.getLogicalProcessorCount(), si.getHardware().getMemory().getTotal(), board,
                gpus.stream().map(g -> g[0]).toList(), mib,
                board == null ? null : MachineFacts.readFirstLine(MachineFacts.TEGRA_RELEASE),
                board == null ? null : MachineFacts.nvpmodelMode());
    }

    private long[] netBytes() {
        long rx = 0;
        long tx = 0;
        for (NetworkIF n : hal.getNetworkIFs(true)) {
            n.updateAttributes();
            rx += n.getBytesRecv();
            tx += n.getBytesSent();
        }
        return new long[] {rx, tx};
    }

    private static double clamp(double d) {
        return Double.isNaN(d) ? 0 : Math.max(0, Math.min(1, d));
    }
}
