package org.edgefm.api.spi;

import java.util.Map;
import java.util.TreeMap;
import org.edgefm.api.Check;
import org.edgefm.api.ConfigException;

/**
 * A planner's settings: text values by key, with typed getters whose errors name the key. Values
 * come from the scenario's {@code planner} section, the host configuration and command-line
 * overrides, in that order of increasing precedence.
 *
 * @param values the settings by key
 */
public record PlannerConfig(Map<String, String> values) {
    /** The empty configuration: every getter returns its default. */
    public static final PlannerConfig EMPTY = new PlannerConfig(Map.of());

    /**
     * Copies the values.
     *
     * @param values the settings by key
     */
    public PlannerConfig {
        values = Map.copyOf(Check.mapOf(values, "values"));
    }

    /**
     * Builds a configuration from values of any type (numbers, booleans, text).
     *
     * @param raw the settings by key, values of any type (numbers, booleans, text); null for none
     * @return the configuration
     */
    public static PlannerConfig of(Map<String, ?> raw) {
        Map<String, String> m = new TreeMap<>();
        raw.forEach((k, v) -> m.put(k, String.valueOf(v)));
        return new PlannerConfig(m);
    }

    /**
     * This configuration with {@code overrides} taking precedence.
     *
     * @param overrides settings that replace these
     * @return this configuration with {@code overrides} taking precedence
     */
    public PlannerConfig with(Map<String, String> overrides) {
        Map<String, String> m = new TreeMap<>(values);
        m.putAll(overrides);
        return new PlannerConfig(m);
    }

    /**
     * A text value, or the default.
     *
     * @param key the configuration key
     * @param defaultValue the value when the key is absent
     * @return the value, or {@code defaultValue}
     */
    public String getString(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    /**
     * A floating-point value, or the default; a malformed value is a {@link ConfigException}.
     *
     * @param key the configuration key
     * @param defaultValue the value when the key is absent
     * @return the value, or {@code defaultValue}
     */
    public double getDouble(String key, double defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' (expected: a number)");
        }
    }

    /**
     * An integer value, or the default; a malformed value is a {@link ConfigException}.
     *
     * @param key the configuration key
     * @param defaultValue the value when the key is absent
     * @return the value, or {@code defaultValue}
     */
    public int getInt(String key, int defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' (expected: an integer)");
        }
    }

    /**
     * A boolean value ({@code true}/{@code false}), or the default.
     *
     * @param key the configuration key
     * @param defaultValue the value when the key is absent
     * @return the value, or {@code defaultValue}
     */
    public boolean getBoolean(String key, boolean defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key + ": '" + v + "' (expected: true or false)");
        };
    }

    /**
     * A value from a fixed set of choices, or the default.
     *
     * @param key the configuration key
     * @param defaultValue the value when the key is absent
     * @param choices the allowed values
     * @return the value, or {@code defaultValue}
     */
    public String getChoice(String key, String defaultValue, String... choices) {
        String v = getString(key, defaultValue).trim();
        for (String c : choices) {
            if (c.equals(v)) {
                return v;
            }
        }
        throw new ConfigException(key + ": '" + v + "' (expected one of: " + String.join(", ", choices) + ")");
    }
}
