package org.edgefm.trial.run;

import java.io.PrintWriter;

/**
 * The console of a running trial: the progress line and the log lines that reach the console share
 * one writer and one lock, so they never splice. On a terminal the progress is one line rewritten in
 * place ({@code \r}), and a log line first clears it and then redraws it below; elsewhere (output to
 * a file or a pipe) a plain progress line is printed at most once per interval.
 */
final class TrialConsole {
    private final PrintWriter err;
    private final boolean terminal;
    private final long intervalMs;
    private String shown;
    private long lastPrintMs = Long.MIN_VALUE / 2;
    private String lastStatus;

    /**
     * @param err        where progress and log lines go
     * @param terminal   whether {@code err} is a terminal (progress rewritten in place)
     * @param intervalMs off a terminal: the least time between two plain progress lines
     */
    TrialConsole(PrintWriter err, boolean terminal, long intervalMs) {
        this.err = err;
        this.terminal = terminal;
        this.intervalMs = intervalMs;
    }

    /** Whether progress is rewritten in place. */
    boolean terminal() {
        return terminal;
    }

    /** Shows the progress: in place on a terminal, else as a plain line when the interval has passed. */
    synchronized void progress(String line) {
        progress(line, false);
    }

    /** As {@link #progress(String)}; {@code force} prints a plain line even within the interval (the last one). */
    synchronized void progress(String line, boolean force) {
        long now = System.currentTimeMillis();
        if (terminal) {
            draw(line);
        } else if (force || now - lastPrintMs >= intervalMs) {
            err.println(line);
            err.flush();
            lastPrintMs = now;
        }
    }

    /** Shows a status that changes rarely: in place on a terminal, else a plain line each time it changes. */
    synchronized void status(String line) {
        if (terminal) {
            draw(line);
        } else if (!line.equals(lastStatus)) {
            err.println(line);
            err.flush();
        }
        lastStatus = line;
    }

    /** A log line: clears the progress line first (terminal) and redraws it after. */
    synchronized void log(String line) {
        String again = shown;
        clear();
        err.println(line);
        if (again != null) {
            draw(again);
        }
        err.flush();
    }

    /** Ends the progress line so that what follows starts on a line of its own. */
    synchronized void endProgress() {
        if (shown != null) {
            err.println();
            err.flush();
            shown = null;
        }
    }

    private void draw(String line) {
        if (line.equals(shown)) {
            return;
        }
        String pad = shown != null && shown.length() > line.length() ? " ".repeat(shown.length() - line.length()) : "";
        err.print("\r" + line + pad);
        err.flush();
        shown = line;
    }

    private void clear() {
        if (shown != null) {
            err.print("\r" + " ".repeat(shown.length()) + "\r");
            shown = null;
        }
    }
}
