package org.edgefm.trial.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The trial's console: progress and log lines never share a line. */
class TrialConsoleTest {
    private final StringWriter text = new StringWriter();

    @Test
    void terminal_logLineClearsTheProgressLineAndRedrawsIt() {
        TrialConsole c = new TrialConsole(new PrintWriter(text), true, 5000);
        c.progress("[  1/60 s] tasks 1/1");
        c.log("12:00:00.000 [WARN] ControlLoop - x");
        c.progress("[  2/60 s] tasks 2/2");
        c.endProgress();
        String clear = "\r" + " ".repeat("[  1/60 s] tasks 1/1".length()) + "\r";
        assertThat(text.toString()).isEqualTo("\r[  1/60 s] tasks 1/1" + clear + "12:00:00.000 [WARN] ControlLoop - x"
                + System.lineSeparator() + "\r[  1/60 s] tasks 1/1\r[  2/60 s] tasks 2/2" + System.lineSeparator());
    }

    @Test
    void notATerminal_plainLines_progressAtMostOncePerInterval_statusOncePerChange() {
        TrialConsole c = new TrialConsole(new PrintWriter(text), false, 60_000);
        c.status("waiting 0/2");
        c.status("waiting 0/2");
        c.status("waiting 1/2");
        c.progress("[  0/60 s] a");
        c.progress("[  0/60 s] b"); // within the interval: not printed
        c.log("warn");
        c.endProgress();
        String n = System.lineSeparator();
        assertThat(text.toString()).isEqualTo("waiting 0/2" + n + "waiting 1/2" + n + "[  0/60 s] a" + n + "warn" + n)
                .doesNotContain("\r");
    }
}
