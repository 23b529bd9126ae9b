package org.edgefm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code edgefm bench}: benchmarks that are documented commands, not tests. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks (documented commands, not tests).",
        subcommands = {LoadBenchCommand.class, SimBenchCommand.class, VirtualAgentsCommand.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
