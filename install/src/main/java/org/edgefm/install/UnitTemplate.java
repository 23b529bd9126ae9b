package org.edgefm.install;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A systemd unit template shipped as a resource: {@code @KEY@} placeholders, each replaced by a
 * value; a value may span lines (a placeholder alone on its line then becomes those lines, or
 * nothing when the value is empty). Every placeholder must get a value and every value must be used.
 */
public final class UnitTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z_]+)@");

    private UnitTemplate() {
    }

    /**
     * The text of a template resource, found as {@code owner.getResourceAsStream(name)} would: a
     * relative name next to {@code owner}, one starting with {@code /} from the class path's root.
     */
    public static String load(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("unit template " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("unit template " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fills in a template.
     *
     * @throws IllegalArgumentException when a placeholder has no value or a value has no placeholder
     */
    public static String render(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (String line : template.split("\n", -1)) {
            String trimmed = line.strip();
            Matcher whole = PLACEHOLDER.matcher(trimmed);
            if (whole.matches()) {
                String v = value(values, whole.group(1));
                used.add(whole.group(1));
                if (!v.isEmpty()) {
                    out.append(v.endsWith("\n") ? v : v + "\n");
                }
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(line);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                used.add(m.group(1));
                m.appendReplacement(sb, Matcher.quoteReplacement(value(values, m.group(1)).replace("\n", " ")));
            }
            m.appendTail(sb);
            out.append(sb).append('\n');
        }
        for (String k : values.keySet()) {
            if (!used.contains(k)) {
                throw new IllegalArgumentException("unit template has no placeholder @" + k + "@");
            }
        }
        String s = out.toString();
        return s.endsWith("\n\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static String value(Map<String, String> values, String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException("unit template placeholder @" + key + "@ has no value");
        }
        return v;
    }
}
