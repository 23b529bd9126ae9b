package org.edgefm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.edgefm.api.model.ServiceKind;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioException;
import org.edgefm.scenario.ScenarioLoader;
import org.edgefm.sim.PaperTable1Generator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code edgefm scenario validate|show|list|generate}: work with scenario files. */
@Command(name = "scenario", mixinStandardHelpOptions = true,
        description = "Validate, show, list and generate scenario files (docs/scenario-format.md).",
        subcommands = {ScenarioCommand.Validate.class, ScenarioCommand.Show.class, ScenarioCommand.ListBuiltIn.class,
                ScenarioCommand.Generate.class})
final class ScenarioCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (validate, show, list or generate)");
    }

    /** {@code edgefm scenario validate FILE...}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check scenario files (or built-in names); print a summary of each, or the first error "
                    + "with the file, the path inside it and what was expected.")
    static final class Validate implements java.util.concurrent.Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE|NAME", description = "Scenario files or built-in scenario names.")
        List<String> refs;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            int bad = 0;
            for (String ref : refs) {
                try {
                    Scenario s = ScenarioLoader.resolve(ref);
                    out.println(ref + ": ok: " + summary(s));
                } catch (ScenarioException e) {
                    err.println(e.getMessage());
                    bad++;
                }
            }
            return bad == 0 ? 0 : Main.EXIT_FAILED;
        }
    }

    /** {@code edgefm scenario show FILE|NAME}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print a scenario as normalised JSON (defaults filled in, comments removed).")
    static final class Show implements Runnable {
        @Parameters(paramLabel = "FILE|NAME", description = "A scenario file or built-in name.")
        String ref;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().println(ScenarioLoader.toJson(ScenarioLoader.resolve(ref)));
        }
    }

    /** {@code edgefm scenario list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the built-in scenarios.")
    static final class ListBuiltIn implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            for (String name : builtInNames()) {
                Scenario s = ScenarioLoader.resolve(name);
                out.printf("%-16s %s%n", name, s.description());
            }
            return 0;
        }
    }

    /** {@code edgefm scenario generate}: another draw of paper 1's Table I ranges ({@link PaperTable1Generator}). */
    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Draw a scenario from paper 1's Table I ranges, as the shipped paper-table1 and"
                    + " paper-table1-contended were drawn: the same generator with another seed (and optionally another"
                    + " fleet size) gives a held-out draw to check a result on (docs/simulator.md, \"Other draws\").")
    static final class Generate implements Callable<Integer> {
        @CommandLine.Option(names = "--from", paramLabel = "NAME", defaultValue = "paper-table1-contended",
                description = "The setting: paper-table1 (the idle reference) or paper-table1-contended (default: ${DEFAULT-VALUE}).")
        String from;

        @CommandLine.Option(names = "--seed", paramLabel = "N", description = "The draw's seed (default: the shipped"
                + " files' seed, which reproduces them); another seed names the scenario NAME-sN.")
        Long seed;

        @CommandLine.Option(names = "--eds", paramLabel = "N", description = "Edge devices (default: the setting's).")
        Integer eds;

        @CommandLine.Option(names = "--ess", paramLabel = "N", description = "Edge servers (default: the setting's).")
        Integer ess;

        @CommandLine.Option(names = "--users", paramLabel = "N", description = "Users, one stream each (default: the setting's).")
        Integer users;

        @CommandLine.Option(names = "--parallelism-exponent", paramLabel = "A",
                description = "sim.parallelism-exponent written into the scenario, in [0, 1] (default: the setting's).")
        Double parallelismExponent;

        @CommandLine.Option(names = "--name", paramLabel = "NAME", description = "The scenario's name (default: the setting's,"
                + " with -sN for another seed).")
        String name;

        @CommandLine.Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write here (default: standard output).")
        Path output;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PaperTable1Generator.Setting base = switch (from) {
                case "paper-table1" -> PaperTable1Generator.TABLE1;
                case "paper-table1-contended" -> PaperTable1Generator.CONTENDED;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--from: '" + from + "' (expected: paper-table1 or paper-table1-contended)");
            };
            int e = atLeastOne("--eds", eds, base.eds());
            int s = atLeastOne("--ess", ess, base.ess());
            int u = atLeastOne("--users", users, base.users());
            double a = parallelismExponent == null ? base.parallelismExponent() : parallelismExponent;
            if (!(a >= 0 && a <= 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--parallelism-exponent: " + a + " (expected: in [0, 1])");
            }
            String text = PaperTable1Generator.generate(seed == null ? PaperTable1Generator.SEED : seed,
                    new PaperTable1Generator.Setting(name == null ? base.name() : name, e, s, u, a, base.allLights(),
                            base.dropExpired()));
            if (output == null) {
                spec.commandLine().getOut().print(text);
            } else {
                Files.writeString(output, text, StandardCharsets.UTF_8);
                spec.commandLine().getOut().println("wrote " + output + ": " + summary(ScenarioLoader.load(output)));
            }
            return 0;
        }

        private int atLeastOne(String option, Integer value, int fallback) {
            if (value != null && value < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + value + " (expected: >= 1)");
            }
            return value == null ? fallback : value;
        }
    }

    static String summary(Scenario s) {
        long core = s.services().stream().filter(v -> v.kind() == ServiceKind.CORE).count();
        String nodes = s.pinsNodes()
                ? String.format("%d nodes, %d links", s.topology().nodes().size(), s.topology().links().size())
                : "no nodes (a workload for a live host: its nodes are the agents that join)";
        String text = String.format("%s, %d services (%d core, %d light), %d task types, %d users, "
                        + "%d demand streams, %d slots of %s ms, %d scheduled failures",
                nodes, s.services().size(), core, s.services().size() - core, s.taskTypes().size(),
                s.users().size(), s.workload().size(), s.run().slots(), trim(s.run().slotMs()), s.failures().size());
        Map<String, String> unpinned = s.unpinnedOrigins();
        if (!unpinned.isEmpty()) {
            List<String> shown = new ArrayList<>();
            unpinned.forEach((user, origin) -> {
                if (shown.size() < 10) {
                    shown.add(user + " (" + origin + ")");
                }
            });
            text += "; origins a live host binds to the agent that joins with that id or label: " + String.join(", ", shown)
                    + (unpinned.size() > shown.size() ? " and " + (unpinned.size() - shown.size()) + " more" : "")
                    + (s.pinsNodes() ? " (the simulator needs them pinned)" : "");
        }
        return text;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** Names of the scenarios packaged on the classpath under {@code scenarios/}. */
    static List<String> builtInNames() throws IOException {
        TreeSet<String> names = new TreeSet<>();
        Enumeration<URL> dirs = ScenarioCommand.class.getClassLoader().getResources("scenarios");
        while (dirs.hasMoreElements()) {
            URL url = dirs.nextElement();
            if (url.getProtocol().equals("file")) {
                try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
                    files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".json"))
                            .forEach(f -> names.add(f.substring(0, f.length() - 5)));
                } catch (URISyntaxException e) {
                    throw new IOException("bad classpath entry " + url, e);
                }
            } else if (url.getProtocol().equals("jar")) {
                String path = url.getPath();
                String jar = path.substring("file:".length(), path.indexOf("!/"));
                try (JarFile jf = new JarFile(java.net.URLDecoder.decode(jar, java.nio.charset.StandardCharsets.UTF_8))) {
                    Enumeration<JarEntry> entries = jf.entries();
                    while (entries.hasMoreElements()) {
                        String n = entries.nextElement().getName();
                        if (n.startsWith("scenarios/") && n.endsWith(".json") && n.indexOf('/', 10) < 0) {
                            names.add(n.substring(10, n.length() - 5));
                        }
                    }
                }
            }
        }
        return new ArrayList<>(names);
    }
}
