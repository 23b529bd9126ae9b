package org.edgefm.cli.log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.event.Level;

/**
 * Where the {@code edgefm} command's log events go. By default every event at or above its logger's
 * level goes to standard error as {@code HH:mm:ss.SSS [LEVEL] ShortName - message}. The levels are
 * read from the system properties slf4j-simple uses (so {@code -Dorg.slf4j.simpleLogger.defaultLogLevel=warn}
 * and {@code -Dorg.slf4j.simpleLogger.log.com.hivemq=warn} work as before): the longest
 * {@code org.slf4j.simpleLogger.log.PREFIX} that matches the logger's name, else
 * {@code org.slf4j.simpleLogger.defaultLogLevel}, else {@code info}.
 *
 * <p>While a {@link #capture capture} is open (a trial), every event at {@code info} and above (or
 * below, where a logger's level allows it) goes to the capture's file instead, and only
 * {@code warn} and {@code error} events of EdgeFM's own loggers ({@code org.edgefm.*}) go to the
 * capture's console sink, never those of the libraries (HiveMQ, Netty, ...).
 */
public final class CliLogging {
    /** Prefix of the per-logger level properties (slf4j-simple's). */
    public static final String LEVEL_PREFIX = "org.slf4j.simpleLogger.log.";
    /** The default level property (slf4j-simple's). */
    public static final String DEFAULT_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    /** Loggers whose warnings and errors reach the console during a capture. */
    public static final String OWN_PREFIX = "org.edgefm.";

    private static final DateTimeFormatter CONSOLE_TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static volatile Capture capture;

    private CliLogging() {
    }

    /**
     * A log file and a console sink that receive the events while open; {@link #close} returns to
     * standard error.
     */
    public static final class Capture implements AutoCloseable {
        private final Path file;
        private final BufferedWriter writer;
        private final Consumer<String> console;

        private Capture(Path file, Consumer<String> console) throws IOException {
            this.file = file;
            this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            this.console = console;
        }

        /** The log file. */
        public Path file() {
            return file;
        }

        private synchronized void toFile(String line) {
            try {
                writer.write(line);
                writer.newLine();
                writer.flush(); // a Ctrl-C or a crash keeps every line written so far
            } catch (IOException e) {
                // the file is gone or full; the console still gets warnings
            }
        }

        /** Stops capturing (if this is the open capture) and closes the file. */
        @Override
        public void close() {
            synchronized (CliLogging.class) {
                if (capture == this) {
                    capture = null;
                }
            }
            synchronized (this) {
                try {
                    writer.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }

    /**
     * Sends the events to {@code file} (appended, created when missing) and EdgeFM's warnings and
     * errors to {@code console}, one formatted line (with its stack trace, if any) per call, until
     * the returned capture is closed. A capture already open is replaced.
     */
    public static Capture capture(Path file, Consumer<String> console) throws IOException {
        Capture c = new Capture(file, console);
        synchronized (CliLogging.class) {
            capture = c;
        }
        return c;
    }

    /** The level a logger of this name is configured at (as {@link Level#toInt()}). */
    static int configuredLevel(String name) {
        String n = name;
        while (true) {
            String v = System.getProperty(LEVEL_PREFIX + n);
            if (v != null) {
                return parse(v);
            }
            int dot = n.lastIndexOf('.');
            if (dot < 0) {
                break;
            }
            n = n.substring(0, dot);
        }
        String v = System.getProperty(DEFAULT_LEVEL);
        return v == null ? Level.INFO.toInt() : parse(v);
    }

    private static int parse(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE.toInt();
            case "debug" -> Level.DEBUG.toInt();
            case "warn" -> Level.WARN.toInt();
            case "error" -> Level.ERROR.toInt();
            case "off" -> Integer.MAX_VALUE;
            default -> Level.INFO.toInt();
        };
    }

    /** Whether an event of {@code level} of a logger configured at {@code configured} is written anywhere. */
    static boolean enabled(String name, int configured, int level) {
        if (capture != null) {
            return level >= Math.min(configured, Level.INFO.toInt()) || toConsole(name, level);
        }
        return level >= configured;
    }

    private static boolean toConsole(String name, int level) {
        return level >= Level.WARN.toInt() && name.startsWith(OWN_PREFIX);
    }

    /** Writes one event where it goes. */
    static void write(String name, int configured, Level level, String message, Throwable t) {
        Capture c = capture;
        long now = System.currentTimeMillis();
        String trace = t == null ? "" : System.lineSeparator() + stackTrace(t);
        String consoleLine = LocalTime.ofInstant(Instant.ofEpochMilli(now), ZoneId.systemDefault()).format(CONSOLE_TIME)
                + " [" + level + "] " + shortName(name) + " - " + message + trace;
        if (c == null) {
            if (level.toInt() >= configured) {
                synchronized (CliLogging.class) {
                    System.err.println(consoleLine);
                    System.err.flush();
                }
            }
            return;
        }
        if (level.toInt() >= Math.min(configured, Level.INFO.toInt())) {
            c.toFile(FILE_TIME.format(Instant.ofEpochMilli(now)) + " [" + level + "] [" + Thread.currentThread().getName()
                    + "] " + name + " - " + message + trace);
        }
        if (toConsole(name, level.toInt())) {
            c.console.accept(consoleLine);
        }
    }

    private static String shortName(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static String stackTrace(Throwable t) {
        StringWriter s = new StringWriter();
        t.printStackTrace(new PrintWriter(s));
        return s.toString().stripTrailing();
    }
}
