package org.edgefm.it.support;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures a reliability test measures, printed to stdout as one line per test step:
 * {@code [figures] Test.step: name=value, ...}. Times are in seconds with two decimals.
 */
public final class Figures {
    private final String step;
    private final Map<String, String> values = new LinkedHashMap<>();

    private Figures(String step) {
        this.step = step;
    }

    /** Starts the figures of a step, e.g. {@code FleetFaultsIT.kill9}. */
    public static Figures of(String step) {
        return new Figures(step);
    }

    /** Seconds between two {@link System#nanoTime()} readings. */
    public Figures seconds(String name, long fromNanos, long toNanos) {
        values.put(name, String.format(Locale.ROOT, "%.2f s", (toNanos - fromNanos) / 1e9));
        return this;
    }

    /** A count or any other value. */
    public Figures put(String name, Object value) {
        values.put(name, String.valueOf(value));
        return this;
    }

    /** Prints the line and returns it. */
    public String print() {
        StringBuilder b = new StringBuilder("[figures] ").append(step).append(": ");
        values.forEach((k, v) -> b.append(k).append('=').append(v).append(", "));
        String line = b.substring(0, b.length() - 2);
        System.out.println(line);
        return line;
    }

    /**
     * The sum of a Prometheus metric's samples whose labels contain every given {@code key="value"}.
     *
     * @param exposition the text of a {@code /metrics} page
     */
    public static double metric(String exposition, String name, String... labels) {
        double sum = 0;
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(exposition);
        outer:
        while (m.find()) {
            String l = m.group(1) == null ? "" : m.group(1);
            for (String want : labels) {
                if (!l.contains(want)) {
                    continue outer;
                }
            }
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }
}
