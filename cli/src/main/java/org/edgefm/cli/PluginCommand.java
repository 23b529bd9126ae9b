package org.edgefm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code edgefm plugin}: tools for plugin authors ({@code edgefm plugins} lists what is installed). */
@Command(name = "plugin", mixinStandardHelpOptions = true,
        description = "Tools for planner-plugin authors (see 'edgefm plugins' for what is installed).",
        subcommands = {PluginNewCommand.class})
final class PluginCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
