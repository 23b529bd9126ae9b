package org.edgefm.host;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough PromQL reading for tests: the metric names an expression selects. */
final class PromQl {
    private PromQl() {
    }

    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "bool", "offset", "inf", "nan");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** Grafana's variables replaced by values PromQL accepts. */
    static String grafanaToPromQl(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replaceAll("\\$\\{?[a-z_]+}?", ".*");
    }

    /** The metric names {@code expr} selects. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // strings
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " "); // ranges
        e = GROUPING.matcher(e).replaceAll(" ");
        Set<String> out = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < e.length() && Character.isWhitespace(e.charAt(after))) {
                after++;
            }
            boolean call = after < e.length() && e.charAt(after) == '(';
            boolean number = m.start() > 0 && (Character.isDigit(e.charAt(m.start() - 1)) || e.charAt(m.start() - 1) == '.');
            if (!call && !number && !KEYWORDS.contains(id.toLowerCase())) {
                out.add(id);
            }
        }
        return out;
    }

    /** The metric of a Grafana {@code label_values(METRIC{...}, label)} variable query, if any. */
    static Set<String> labelValuesMetric(String query) {
        Matcher m = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)").matcher(query);
        return m.find() ? Set.of(m.group(1)) : Set.of();
    }

    /** The {@code expr} of every rule in a Prometheus rules file (single-line and block-scalar forms). */
    static List<String> ruleExpressions(String yaml) {
        List<String> out = new ArrayList<>();
        String[] lines = yaml.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            int at = l.indexOf("expr:");
            if (at < 0 || l.strip().startsWith("#")) {
                continue;
            }
            String rest = l.substring(at + 5).strip();
            if (rest.equals("|") || rest.equals(">")) {
                int indent = l.indexOf("expr:");
                StringBuilder b = new StringBuilder();
                while (i + 1 < lines.length && (lines[i + 1].isBlank() || lines[i + 1].indexOf(lines[i + 1].strip()) > indent)) {
                    b.append(lines[++i].strip()).append(' ');
                }
                out.add(b.toString().strip());
            } else {
                out.add(rest);
            }
        }
        return out;
    }
}
