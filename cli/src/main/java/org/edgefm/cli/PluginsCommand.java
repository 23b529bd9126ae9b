package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefm.control.PluginBudgets;
import org.edgefm.control.PluginInfo;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.PluginsFolder;
import org.edgefm.control.QuarantinedPlugin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgefm plugins [--json] [--strict] [--plugins-dir DIR]}: the installed planner plugins. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = {"List the installed planner plugins: built-in ones and jars in the plugins folder.",
                "A jar that cannot be used (not a jar, a missing class, not a PlannerPlugin, a name already taken) is"
                        + " listed with its reason and skipped; the others keep working."},
        footer = {"", "Exit codes: 0 listed (also with skipped jars, unless --strict), 1 --strict and a jar was skipped,"
                + " or the folder named by --plugins-dir or EDGEFM_PLUGINS does not exist."})
final class PluginsCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON: {folder, budgets, plugins: [{name, roles, version, source, plugin,"
            + " description}], skipped: [{source, reason}]}.")
    boolean json;

    @Option(names = "--strict", description = "Fail (exit 1) when a jar in the plugins folder was skipped.")
    boolean strict;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PluginsFolder folder = PluginsFolder.resolve(pluginsDir);
        PluginRegistry r = PluginRegistry.load(PluginsCommand.class.getClassLoader(), folder.path());
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            ObjectNode f = root.putObject("folder");
            f.put("path", folder.path().toAbsolutePath().normalize().toString());
            f.put("origin", folder.origin());
            f.put("exists", folder.exists());
            root.set("budgets", m.valueToTree(PluginBudgets.describe()));
            ArrayNode a = root.putArray("plugins");
            for (PluginInfo i : r.list()) {
                ObjectNode o = a.addObject();
                o.put("name", i.name());
                i.roles().forEach(o.putArray("roles")::add);
                o.put("version", i.version());
                o.put("source", i.source());
                o.put("plugin", i.plugin());
                o.put("description", i.description());
            }
            ArrayNode s = root.putArray("skipped");
            for (QuarantinedPlugin q : r.quarantined()) {
                s.addObject().put("source", q.source()).put("reason", q.reason());
            }
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            String where = folder.exists() ? folder.path().toString()
                    : folder.path() + " (missing: built-in planners only; set EDGEFM_PLUGINS or --plugins-dir)";
            out.println("plugins folder: " + where);
            out.println("time budgets: " + PluginBudgets.summary());
            if (r.list().isEmpty()) {
                out.println("no planner plugins installed");
            } else {
                out.printf("%-24s %-30s %-10s %-14s %s%n", "NAME", "ROLES", "VERSION", "PLUGIN", "SOURCE / DESCRIPTION");
                for (PluginInfo i : r.list()) {
                    out.printf("%-24s %-30s %-10s %-14s %s: %s%n", i.name(), String.join(",", i.roles()), i.version(),
                            i.plugin(), i.source(), i.description());
                }
            }
            if (!r.quarantined().isEmpty()) {
                out.println();
                out.println("SKIPPED (not loaded)");
                for (QuarantinedPlugin q : r.quarantined()) {
                    out.println("  " + q.source() + ": " + q.reason());
                }
            }
        }
        if (!r.quarantined().isEmpty()) {
            err.println("edgefm plugins: warning: " + r.quarantined().size() + " plugin jar(s) skipped"
                    + (strict ? " (--strict: failing)" : "; the other plugins work (--strict makes this fail)"));
            return strict ? Main.EXIT_FAILED : 0;
        }
        return 0;
    }
}
