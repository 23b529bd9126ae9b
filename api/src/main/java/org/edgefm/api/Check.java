package org.edgefm.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Argument checks with one wording for the whole code base: {@code "seq: -1 (expected: >= 0)"},
 * {@code "nodeId: missing"}. Every failure is an {@link InvalidFieldException} naming the field.
 */
public final class Check {
    /** Identifiers: 1 to 64 characters out of letters, digits, {@code . _ -}. Never {@code / + #}. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /**
     * Node ids (and so broker account names): 1 to 64 of letters, digits, {@code _ -}. Stricter than
     * {@link #ID}: a node id is a topic level in per-node ACL patterns ({@code %u}, {@code %c}) and an
     * MQTT client id, where {@code /}, wildcards and {@code .} have no place.
     */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private Check() {
    }

    /**
     * Requires a non-null value.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @param <T> the value's type
     * @return {@code value}
     */
    public static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new InvalidFieldException(field, "missing");
        }
        return value;
    }

    /**
     * {@link #ID} (with {@code dot}) or {@link #NODE_ID} without a regular expression: ids are checked
     * in every record a host decodes (thousands per slot at a thousand nodes), and a {@code Matcher} per
     * check was one of the host's largest allocators.
     */
    private static boolean isId(String v, boolean dot) {
        int n = v.length();
        if (n < 1 || n > 64) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = v.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || (i > 0 && (c == '_' || c == '-' || (dot && c == '.')));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Requires a valid identifier (node, service, stage, task type, user, fleet ids). Ids end up in
     * MQTT topic levels, so the MQTT separators and wildcards {@code / + #} are refused.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static String id(String value, String field) {
        notNull(value, field);
        if (!isId(value, true)) {
            String why = value.isEmpty() ? "empty"
                    : value.indexOf('/') >= 0 || value.indexOf('+') >= 0 || value.indexOf('#') >= 0
                    ? "contains an MQTT separator or wildcard (/ + #)"
                    : value.length() > 64 ? "longer than 64 characters"
                    : "has characters other than letters, digits, '.', '_' and '-'";
            throw new InvalidFieldException(field, quote(value) + " " + why
                    + " (expected: 1-64 of [A-Za-z0-9._-], starting with a letter or digit)");
        }
        return value;
    }

    /**
     * Requires a valid node id ({@link #NODE_ID}).
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static String nodeId(String value, String field) {
        id(value, field);
        if (!isId(value, false)) {
            throw new InvalidFieldException(field, quote(value)
                    + " has characters other than letters, digits, '_' and '-' (expected: a node id, 1-64 of [A-Za-z0-9_-])");
        }
        return value;
    }

    /**
     * Requires {@code value > 0} and finite.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static double positive(double value, String field) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new InvalidFieldException(field, value + " (expected: > 0)");
        }
        return value;
    }

    /**
     * Requires {@code value >= 0} and finite.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static double nonNegative(double value, String field) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new InvalidFieldException(field, value + " (expected: >= 0)");
        }
        return value;
    }

    /**
     * Requires {@code value >= 0}.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new InvalidFieldException(field, value + " (expected: >= 0)");
        }
        return value;
    }

    /**
     * Requires {@code value >= 0}.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static int nonNegative(int value, String field) {
        if (value < 0) {
            throw new InvalidFieldException(field, value + " (expected: >= 0)");
        }
        return value;
    }

    /**
     * Requires {@code value >= 1}.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static long positive(long value, String field) {
        if (value < 1) {
            throw new InvalidFieldException(field, value + " (expected: >= 1)");
        }
        return value;
    }

    /**
     * Requires {@code value >= 1}.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static int positive(int value, String field) {
        if (value < 1) {
            throw new InvalidFieldException(field, value + " (expected: >= 1)");
        }
        return value;
    }

    /**
     * Requires {@code min <= value <= max}.
     *
     * @param value the value to check
     * @param min the least allowed value
     * @param max the greatest allowed value
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @return {@code value}
     */
    public static double inRange(double value, double min, double max, String field) {
        if (!(value >= min && value <= max)) {
            throw new InvalidFieldException(field, value + " (expected: in [" + min + ", " + max + "])");
        }
        return value;
    }

    /**
     * Requires a non-null, non-empty collection.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @param <C> the collection type
     * @return {@code value}
     */
    public static <C extends Collection<?>> C notEmpty(C value, String field) {
        notNull(value, field);
        if (value.isEmpty()) {
            throw new InvalidFieldException(field, "empty (expected: at least one entry)");
        }
        return value;
    }

    /**
     * An immutable copy of a list that may be null (null becomes empty); null entries are refused.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @param <T> the value's type
     * @return the copy
     */
    public static <T> List<T> listOf(List<T> value, String field) {
        if (value == null) {
            return List.of();
        }
        for (int i = 0; i < value.size(); i++) {
            if (value.get(i) == null) {
                throw new InvalidFieldException(field + "[" + i + "]", "missing");
            }
        }
        return List.copyOf(value);
    }

    /**
     * An immutable copy of a map that may be null (null becomes empty); null keys and values are refused.
     *
     * @param value the value to check
     * @param field the field's name, for the error message (e.g. {@code capacity.cpu})
     * @param <K> the key type
     * @param <V> the value type
     * @return the copy
     */
    public static <K, V> Map<K, V> mapOf(Map<K, V> value, String field) {
        if (value == null) {
            return Map.of();
        }
        for (Map.Entry<K, V> e : value.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new InvalidFieldException(field + "." + e.getKey(), "missing");
            }
        }
        return Map.copyOf(value);
    }

    /**
     * Quotes a string for an error message, shortening long values.
     *
     * @param value the text, or null
     * @return the text in double quotes, cut with an ellipsis past 80 characters, or {@code null}
     */
    public static String quote(String value) {
        String v = value.length() > 80 ? value.substring(0, 77) + "..." : value;
        return "'" + v + "'";
    }
}
