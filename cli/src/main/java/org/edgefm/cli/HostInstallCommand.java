package org.edgefm.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefm.host.install.HostInstallOptions;
import org.edgefm.host.install.HostInstaller;
import org.edgefm.install.InstallPlan;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgefm host install}: the options of {@link HostInstaller} (module broker-bridge), which
 * installs the planner host of a release as the systemd service {@code edgefm-host} or stages it
 * under {@code --root}. A bad option exits 2, a failed install 1.
 */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = "Install the planner host of this release as the systemd service edgefm-host (run as root), or stage it "
                + "under --root. Flags become keys of /etc/edgefm/host.json; an earlier install's keys stay unless replaced.")
final class HostInstallCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Start from this host configuration (default: the installed one, if any).")
    Path config;
    @Option(names = "--fleet", paramLabel = "NAME", description = "Fleet name.")
    String fleet;
    @Option(names = "--broker", paramLabel = "URL", description = "An external broker instead of the embedded one.")
    String broker;
    @Option(names = "--broker-bind", paramLabel = "ADDR", description = "Address the embedded broker listens on (default 0.0.0.0 for an install).")
    String brokerBind;
    @Option(names = "--broker-port", paramLabel = "N", description = "Embedded broker port.")
    Integer brokerPort;
    @Option(names = "--http-bind", paramLabel = "ADDR", description = "Address of the HTTP API and dashboard.")
    String httpBind;
    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port.")
    Integer httpPort;
    @Option(names = "--planner", paramLabel = "NAME", description = "Planner preset or CORE+LIGHT.")
    String planner;
    @Option(names = "--scenario", paramLabel = "FILE|NAME", description = "Scenario (a built-in name, or a file: copied to /etc/edgefm).")
    String scenario;
    @Option(names = "--credentials", paramLabel = "FILE", description = "Broker accounts file to install (" + HostInstaller.CREDENTIALS + ", mode 640).")
    Path credentials;
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/", description = "Stage under DIR (the unit keeps the machine's paths; default /).")
    Path root;
    @Option(names = "--java", paramLabel = "PATH", description = "The java the unit runs (default: the one running this install).")
    Path java;
    @Option(names = "--heap", paramLabel = "SIZE", defaultValue = "1g", description = "The JVM's -Xmx (default 1g).")
    String heap;
    @Option(names = "--lib", paramLabel = "DIR", description = "The release's lib folder (default: this release's).")
    Path lib;
    @Option(names = "--dry-run", description = "Print what would be written (secrets hidden); write nothing.")
    boolean dryRun;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        HostInstallOptions options;
        try {
            options = new HostInstallOptions(config, fleet, broker, brokerBind, brokerPort, httpBind, httpPort, planner,
                    scenario, credentials, root, java, heap, lib);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        InstallPlan plan = HostInstaller.plan(options);
        var out = spec.commandLine().getOut();
        if (dryRun) {
            out.print(plan.describe());
        } else {
            plan.applyWithUser().forEach(out::println);
        }
        plan.notes().forEach(out::println);
        out.flush();
        return 0;
    }
}
