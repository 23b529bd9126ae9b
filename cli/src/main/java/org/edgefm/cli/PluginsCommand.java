package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefm.control.PluginInfo;
import org.edgefm.control.PluginRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgefm plugins [--json] [--plugins-dir DIR]}: the installed planner plugins. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List the installed planner plugins: built-in ones and jars in the plugins folder.")
final class PluginsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print a JSON array of {name, roles, version, source, plugin, description}.")
    boolean json;

    @Option(names = "--plugins-dir", paramLabel = "DIR", defaultValue = "plugins",
            description = "Folder of plugin jars (default: ${DEFAULT-VALUE}).")
    Path pluginsDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PluginRegistry r = PluginRegistry.load(PluginsCommand.class.getClassLoader(), pluginsDir);
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ArrayNode a = m.createArrayNode();
            for (PluginInfo i : r.list()) {
                ObjectNode o = a.addObject();
                o.put("name", i.name());
                i.roles().forEach(o.putArray("roles")::add);
                o.put("version", i.version());
                o.put("source", i.source());
                o.put("plugin", i.plugin());
                o.put("description", i.description());
            }
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(a));
            return 0;
        }
        if (r.list().isEmpty()) {
            out.println("no planner plugins installed (class path and " + pluginsDir + ")");
            return 0;
        }
        out.printf("%-24s %-30s %-10s %-14s %s%n", "NAME", "ROLES", "VERSION", "PLUGIN", "SOURCE / DESCRIPTION");
        for (PluginInfo i : r.list()) {
            out.printf("%-24s %-30s %-10s %-14s %s: %s%n", i.name(), String.join(",", i.roles()), i.version(), i.plugin(),
                    i.source(), i.description());
        }
        return 0;
    }
}
