package org.edgefm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.edgefm.control.KeyCatalog;
import org.edgefm.control.PluginRegistry;
import org.edgefm.control.PluginsFolder;
import org.edgefm.sim.SimKeys;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgefm keys [--json | --markdown] [--plugins-dir DIR]}: every configuration key with its origin. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"List every configuration key of the installed planners and of the simulator: default, origin"
                + " (paper, paper-ambiguity, reconstruction, guard, solver), the paper symbol or the reason, and the"
                + " planners that read it.",
                "docs/keys.md is this command's --markdown output for the built-in planners."},
        footer = {"", "Exit codes: 0 listed, 1 the folder named by --plugins-dir or EDGEFM_PLUGINS does not exist, 2 usage."})
final class KeysCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Print JSON: {planner: [{name, default, origin, basis, description, readBy}],"
            + " simulator: [...]}.")
    boolean json;

    @Option(names = "--markdown", description = "Print the keys table of docs/keys.md.")
    boolean markdown;

    @Option(names = "--plugins-dir", paramLabel = "DIR",
            description = "Folder of plugin jars; it must exist (default: $EDGEFM_PLUGINS, else plugins/ next to the installation).")
    Path pluginsDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (json && markdown) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--json and --markdown: choose one");
        }
        PrintWriter out = spec.commandLine().getOut();
        PluginsFolder folder = PluginsFolder.resolve(pluginsDir);
        KeyCatalog c = KeyCatalog.of(PluginRegistry.load(KeysCommand.class.getClassLoader(), folder.path()), SimKeys.DECLARED);
        if (markdown) {
            out.print(c.markdown());
        } else if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            entries(root.putArray("planner"), c.planner(), true);
            entries(root.putArray("simulator"), c.simulator(), false);
            out.println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            out.printf("%-44s %-20s %-16s %s%n", "KEY", "DEFAULT", "ORIGIN", "READ BY / BASIS");
            for (KeyCatalog.Entry e : c.planner()) {
                out.printf("%-44s %-20s %-16s %s: %s%n", e.key().name(), e.key().defaultValue(), e.key().origin().label(),
                        String.join(",", e.readBy()), e.key().basis());
            }
            for (KeyCatalog.Entry e : c.simulator()) {
                out.printf("%-44s %-20s %-16s simulator: %s%n", e.key().name(), e.key().defaultValue(), e.key().origin().label(),
                        e.key().basis());
            }
        }
        return 0;
    }

    private static void entries(ArrayNode a, java.util.List<KeyCatalog.Entry> entries, boolean readBy) {
        for (KeyCatalog.Entry e : entries) {
            ObjectNode o = a.addObject();
            o.put("name", e.key().name());
            o.put("default", e.key().defaultValue());
            o.put("origin", e.key().origin().label());
            o.put("basis", e.key().basis());
            o.put("description", e.key().description());
            if (readBy) {
                e.readBy().forEach(o.putArray("readBy")::add);
            }
        }
    }
}
