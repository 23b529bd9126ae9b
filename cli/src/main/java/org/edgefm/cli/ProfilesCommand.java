package org.edgefm.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.edgefm.agent.telemetry.HostSampler;
import org.edgefm.profiles.Detection;
import org.edgefm.profiles.DeviceProfile;
import org.edgefm.profiles.ProfileCatalog;
import org.edgefm.profiles.ProfileDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code edgefm profiles} lists the device catalog; {@code edgefm profiles detect} names this machine's profile. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "List the device-profile catalog (sources in device-profiles/src/main/resources/org/edgefm/profiles/catalog/).",
        subcommands = {ProfilesCommand.Detect.class})
final class ProfilesCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%-22s %-10s %5s %-8s %7s %9s %9s %9s %10s%n", "PROFILE", "KIND", "CORES", "ARCH", "RAM GB",
                "GPU GB", "FP16 TF", "BW GB/s", "POWER W");
        for (DeviceProfile p : ProfileCatalog.builtIn().all()) {
            String gpuMem = p.gpu() == null ? "-" : fmt(p.gpu().memoryGb()) + (p.gpu().sharedMemory() ? "*" : "");
            String fp16 = p.gpu() == null ? "-" : fmt(p.gpu().fp16Tflops());
            out.printf(Locale.ROOT, "%-22s %-10s %5d %-8s %7s %9s %9s %9s %10s%n", p.name(), p.kind(), p.cpu().cores(),
                    p.cpu().arch(), fmt(p.ramGb()), gpuMem, fp16, fmt(p.memoryBandwidthGbPerS()),
                    fmt(p.power().minW()) + "-" + fmt(p.power().maxW()));
        }
        out.println("* GPU shares main memory. FP16 TF: dense FP16 tensor peak. 'edgefm profiles detect': this machine.");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.1f", d);
    }

    /** {@code edgefm profiles detect}. */
    @Command(name = "detect", mixinStandardHelpOptions = true,
            description = "Print the profile matching this machine and why (/proc/device-tree/model, nvidia-smi, CPU and RAM via OSHI).")
    static final class Detect implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            Detection d = new ProfileDetector(ProfileCatalog.builtIn()).detect(HostSampler.machineFacts());
            spec.commandLine().getOut().println(d.profile().name());
            spec.commandLine().getOut().println("why: " + d.reason());
        }
    }
}
