package org.edgefm.wire.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Iterator;
import org.edgefm.api.InvalidFieldException;

/**
 * The two JSON mappers of EdgeFM and the translation of Jackson's errors into
 * {@code path: problem} form.
 *
 * <p>Both are strict about values: no coercion of strings to numbers, no floats into integers, no
 * null for primitives, no missing constructor properties (optional fields are boxed and validated
 * in the records' constructors), no duplicate keys. The wire mapper ignores unknown properties so
 * newer agents can add fields; the scenario mapper refuses them, catching typos in hand-written
 * files, and accepts comments and trailing commas.
 */
public final class Json {
    private Json() {
    }

    /** The mapper for MQTT payloads. */
    public static final JsonMapper WIRE = base()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The mapper for scenario and configuration files. */
    public static final JsonMapper FILES = base()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private static JsonMapper.Builder base() {
        return JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .serializationInclusion(JsonInclude.Include.NON_NULL);
    }

    /**
     * A Jackson failure as a field path and a one-line problem.
     *
     * @param path    dotted path with indices ({@code services[2].rate.shape}), or {@code (document)}
     * @param problem what is wrong
     * @param missing true when a required value is absent or null
     * @param syntax  true when the input is not well-formed JSON
     */
    public record Failure(String path, String problem, boolean missing, boolean syntax) {
        /** {@code path: problem}. */
        public String message() {
            return path + ": " + problem;
        }
    }

    /** Translates a Jackson exception, including constructor checks of API records. */
    public static Failure describe(JsonProcessingException e) {
        if (e instanceof JsonMappingException jm) {
            String path = path(jm);
            Throwable cause = e.getCause();
            if (e instanceof ValueInstantiationException && cause instanceof InvalidFieldException f) {
                boolean missing = f.problem().startsWith("missing");
                return new Failure(join(path, f.field()), f.problem(), missing, false);
            }
            if (e instanceof ValueInstantiationException && cause instanceof IllegalArgumentException iae) {
                return new Failure(orDoc(path), iae.getMessage(), false, false);
            }
            if (e instanceof UnrecognizedPropertyException u) {
                return new Failure(orDoc(path), "unknown property (expected one of: "
                        + String.join(", ", u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()) + ")",
                        false, false);
            }
            if (e instanceof InvalidTypeIdException t) {
                String id = t.getTypeId();
                return new Failure(join(path, "type"), id == null ? "missing (expected: a 'type' field naming the variant)"
                        : "unknown type '" + id + "'" + knownTypes(e.getOriginalMessage()), id == null, false);
            }
            if (e instanceof InvalidFormatException f) {
                return new Failure(orDoc(path), "'" + f.getValue() + "' (expected: " + simpleType(f.getTargetType()) + ")",
                        false, false);
            }
            if (e instanceof MismatchedInputException m) {
                String msg = m.getOriginalMessage();
                if (msg.startsWith("Missing creator property") || msg.startsWith("Missing required creator property")) {
                    String name = between(msg, "'", "'");
                    return new Failure(join(path, name), "missing", true, false);
                }
                if (msg.contains("Cannot map `null` into type")) {
                    return new Failure(orDoc(path), "missing or null (expected: " + simpleType(m.getTargetType()) + ")",
                            true, false);
                }
                return new Failure(orDoc(path), "wrong type" + given(msg) + " (expected: "
                        + simpleType(m.getTargetType()) + ")", false, false);
            }
            return new Failure(orDoc(path), firstLine(jm.getOriginalMessage()), false, false);
        }
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "(document)" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        return new Failure(where, "malformed JSON: " + firstLine(e.getOriginalMessage()), false, true);
    }

    private static final java.util.regex.Pattern COERCE =
            java.util.regex.Pattern.compile("Cannot coerce (\\w+) value \\((.{0,60}?)\\)");

    /** ": a string \"3\"" from Jackson's coercion message, or "" when it names no value. */
    private static String given(String msg) {
        java.util.regex.Matcher m = COERCE.matcher(msg);
        if (m.find()) {
            return ": " + m.group(1).toLowerCase(java.util.Locale.ROOT) + " " + m.group(2);
        }
        if (msg.contains("from Array value") || msg.contains("START_ARRAY")) {
            return ": an array";
        }
        if (msg.contains("from Object value") || msg.contains("START_OBJECT")) {
            return ": an object";
        }
        return "";
    }

    private static String knownTypes(String original) {
        int i = original == null ? -1 : original.indexOf("known type ids = ");
        if (i < 0) {
            return "";
        }
        String rest = original.substring(i + "known type ids = ".length());
        int end = rest.indexOf(']');
        return " (expected one of: " + (end > 0 ? rest.substring(1, end) : rest) + ")";
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        Iterator<JsonMappingException.Reference> it = e.getPath().iterator();
        while (it.hasNext()) {
            JsonMappingException.Reference r = it.next();
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String join(String path, String field) {
        if (path.isEmpty()) {
            return field;
        }
        return path.endsWith(field) ? path : path + "." + field;
    }

    private static String orDoc(String path) {
        return path.isEmpty() ? "(document)" : path;
    }

    private static String between(String s, String open, String close) {
        int a = s.indexOf(open);
        int b = a < 0 ? -1 : s.indexOf(close, a + 1);
        return a >= 0 && b > a ? s.substring(a + 1, b) : "?";
    }

    private static String simpleType(Class<?> c) {
        if (c == null) {
            return "a value of another type";
        }
        if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
            return "an integer";
        }
        if (c == double.class || c == Double.class || c == float.class) {
            return "a number";
        }
        if (c == boolean.class || c == Boolean.class) {
            return "true or false";
        }
        if (c == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(c) || c.isArray()) {
            return "an array";
        }
        if (c.isEnum()) {
            StringBuilder sb = new StringBuilder("one of: ");
            Object[] values = c.getEnumConstants();
            for (int i = 0; i < values.length; i++) {
                String name = values[i].toString().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                sb.append(i == 0 ? "" : ", ").append(name);
            }
            return sb.toString();
        }
        return "an object (" + c.getSimpleName() + ")";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
