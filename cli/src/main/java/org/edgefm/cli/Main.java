package org.edgefm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import org.edgefm.api.EdgeFmException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code edgefm} command. Exit codes: 0 success, 1 the command ran and failed (an invalid
 * scenario, an unreachable broker), 2 misuse (unknown command or flag, bad flag value).
 * Expected errors print one line, never a stack trace; {@code EDGEFM_DEBUG=1} adds the trace.
 */
@Command(name = "edgefm",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Modular foundation-model inference across a fleet of edge devices.",
        subcommands = {ScenarioCommand.class,
                AgentCommand.class,
                ProfilesCommand.class,
                HostCommand.class,
                PluginsCommand.class,
                KeysCommand.class,
                PluginCommand.class,
                SimulateCommand.class,
                CompareCommand.class,
                TrialCommand.class,
                BenchCommand.class,
                ModelCommand.class,
                FleetCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Run 'edgefm COMMAND --help' for a command's options. Exit codes: 0 ok, 1 failed, 2 usage error."})
public final class Main implements Runnable {
    /** Exit code of a command that ran and failed. */
    public static final int EXIT_FAILED = 1;
    /** Exit code of a usage error. */
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // "edgefm" alone: show what it can do.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush(); // autoflush covers println only: a command's last print (keys --markdown) would be lost at exit
        err.flush();
        System.exit(code);
    }

    /** Runs the command line, writing to the given streams, and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    /** The configured command tree (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler(Main::failure);
        cl.setExitCodeExceptionMapper(e -> e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
        return cl;
    }

    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String msg = e.getMessage();
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && cl.getSubcommands().size() > 1 && !u.getUnmatched().get(0).startsWith("-")) {
            msg = "unknown command '" + u.getUnmatched().get(0) + "'";
            java.util.List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                msg += " (did you mean: " + String.join(", ", suggestions) + "?)";
            }
        }
        err.println(cl.getCommandSpec().qualifiedName() + ": " + firstLine(msg));
        cl.usage(err);
        return EXIT_USAGE;
    }

    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        // InvalidFieldException: a scenario or setting refused with its path and what was expected (one line)
        if (e instanceof EdgeFmException || e instanceof IOException || e instanceof org.edgefm.api.InvalidFieldException) {
            err.println(cl.getCommandSpec().qualifiedName() + ": " + firstLine(e.getMessage()));
        } else {
            err.println(cl.getCommandSpec().qualifiedName() + ": internal error: " + e);
        }
        if ("1".equals(System.getenv("EDGEFM_DEBUG"))) {
            e.printStackTrace(err);
        }
        return EXIT_FAILED;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** Reads the version that Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"edgefm " + p.getProperty("version", "dev"),
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                            + System.getProperty("os.arch") + ")"};
        }
    }
}
