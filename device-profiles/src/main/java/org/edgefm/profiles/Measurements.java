package org.edgefm.profiles;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.edgefm.api.EdgeFmException;

/**
 * A table of published inference measurements and the models it names: the built-in
 * {@code measurements.csv} with {@code models.json}, or another table in the same format (CSV with
 * a header line, {@code #} comment lines; or a JSON array of objects with the same keys, or an
 * object whose {@code rows} is such an array). Columns: {@code id, split, model, precision, batch,
 * device, power_mode, metric, value, context, runtime, source}; see {@link Row}.
 */
public final class Measurements {
    /** The built-in table. */
    public static final String TABLE_RESOURCE = "measurements.csv";
    /** The built-in model list. */
    public static final String MODELS_RESOURCE = "models.json";
    /** The metrics a row may state. */
    public static final List<String> METRICS = List.of("latency_ms", "items_per_s", "tokens_per_s", "prefill_tokens_per_s");
    /** The metrics of LLM rows: decode tokens/s and prefill (prompt) tokens/s. */
    public static final List<String> LLM_METRICS = List.of("tokens_per_s", "prefill_tokens_per_s");
    /** The columns, in the built-in table's order. */
    public static final List<String> COLUMNS = List.of("id", "split", "model", "precision", "batch", "device", "power_mode",
            "metric", "value", "context", "runtime", "source");
    /** Optional columns (after the others, in any order). */
    public static final List<String> OPTIONAL_COLUMNS = List.of("launch");
    /** The values of the optional {@code launch} column. */
    public static final List<String> LAUNCHES = List.of("graph", "stream");
    /** The kinds of model the model list may name. */
    public static final List<String> MODEL_KINDS = List.of("cnn", "encoder", "llm");
    /** The fields each kind of model must state (> 0). */
    static final Map<String, List<String>> MODEL_FIELDS = Map.of(
            "cnn", List.of("gflops", "params", "kernels"),
            "encoder", List.of("layers", "hidden", "ffn", "tokens", "tokensRms"),
            "llm", List.of("params", "layers", "hidden", "kvDim"));
    /** Most rows a table may have. */
    public static final int MAX_ROWS = 100_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One measurement.
     *
     * @param id        row id
     * @param split     {@code train} (fitted on) or {@code test} (held out)
     * @param model     a model name of the model list
     * @param precision the arithmetic precision
     * @param batch     items per call; 0 for an offline (throughput) run priced at its asymptotic rate
     * @param device    a catalog profile name
     * @param powerMode the power mode, or null
     * @param metric    one of {@link #METRICS}
     * @param value     the measured value
     * @param context   decode context tokens (mean over the generated tokens), 0 when not stated; for
     *                  {@code prefill_tokens_per_s} the prompt length
     * @param runtime   the software and scenario
     * @param source    the public source
     * @param hostLaunch true when the runtime launched each kernel from the host ({@code launch} {@code stream}),
     *                  false for a captured CUDA graph or when the source does not say ({@code graph} or empty)
     */
    public record Row(String id, String split, String model, PerformanceModel.Precision precision, int batch, String device,
            String powerMode, String metric, double value, int context, String runtime, String source, boolean hostLaunch) {
        /** The profile name with its power mode ({@code NAME@MODE}). */
        public String qualifiedDevice() {
            return powerMode == null ? device : device + "@" + powerMode;
        }
    }

    private final List<Row> rows;
    private final Map<String, JsonNode> models;

    private Measurements(List<Row> rows, Map<String, JsonNode> models) {
        this.rows = List.copyOf(rows);
        this.models = Map.copyOf(models);
    }

    /** The built-in table with the built-in models. */
    public static Measurements builtIn() {
        try (InputStream t = resource(TABLE_RESOURCE)) {
            return parse(new String(t.readAllBytes(), StandardCharsets.UTF_8), TABLE_RESOURCE, builtInModels());
        } catch (IOException e) {
            throw new EdgeFmException(TABLE_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    /** A table file (CSV, or JSON when it ends in .json or starts with '[' or '{') with the built-in models. */
    public static Measurements read(Path file) {
        String text;
        try {
            if (Files.size(file) > 64L * 1024 * 1024) {
                throw new EdgeFmException(file + ": larger than 64 MiB");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EdgeFmException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return parse(text, file.toString(), builtInModels());
    }

    /** Parses a table's text; {@code where} names it in errors. */
    public static Measurements parse(String text, String where, Map<String, JsonNode> models) {
        String t = text.stripLeading();
        List<Map<String, String>> raw = t.startsWith("[") || t.startsWith("{") ? jsonRows(t, where) : csvRows(text, where);
        List<Row> rows = new ArrayList<>();
        for (Map<String, String> r : raw) {
            rows.add(row(r, where, models));
        }
        if (rows.isEmpty()) {
            throw new EdgeFmException(where + ": no rows");
        }
        return new Measurements(rows, models);
    }

    /** The rows. */
    public List<Row> rows() {
        return rows;
    }

    /** The rows of one split ({@code train}, {@code test}); {@code all} or null for every row. */
    public List<Row> rows(String split) {
        return split == null || split.equals("all") ? rows : rows.stream().filter(r -> r.split().equals(split)).toList();
    }

    /**
     * The workload of a row's model: for an LLM a decode step at the row's context, or for
     * {@code prefill_tokens_per_s} the prefill of a prompt of the row's context.
     */
    public Workload workload(Row r) {
        JsonNode m = models.get(r.model());
        String kind = m.path("kind").asText();
        if (kind.equals("cnn")) {
            return Workload.cnn(r.model(), m.path("gflops").asDouble(), m.path("params").asDouble(),
                    m.path("activationElements").asDouble(), m.path("kernels").asInt());
        }
        if (kind.equals("encoder")) {
            return Workload.encoder(r.model(), m.path("layers").asInt(), m.path("hidden").asInt(), m.path("ffn").asInt(),
                    m.path("tokens").asDouble(), m.path("tokensRms").asDouble(), m.path("extraKernels").asInt());
        }
        Workload.Llm llm = new Workload.Llm(r.model(), m.path("params").asDouble(), m.path("layers").asInt(),
                m.path("hidden").asInt(), m.path("kvDim").asInt());
        return r.metric().equals("prefill_tokens_per_s") ? llm.prefill(r.context()) : llm.decode(r.context());
    }

    /** The built-in model list, by name. */
    public static Map<String, JsonNode> builtInModels() {
        try (InputStream in = resource(MODELS_RESOURCE)) {
            JsonNode root = MAPPER.readTree(in);
            Map<String, JsonNode> out = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = root.path("models").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String kind = e.getValue().path("kind").asText();
                if (!MODEL_KINDS.contains(kind)) {
                    throw new EdgeFmException(MODELS_RESOURCE + ": model '" + e.getKey() + "': kind '" + kind + "' (expected one of: "
                            + String.join(", ", MODEL_KINDS) + ")");
                }
                for (String f : MODEL_FIELDS.get(kind)) {
                    if (!(e.getValue().path(f).asDouble() > 0)) {
                        throw new EdgeFmException(MODELS_RESOURCE + ": model '" + e.getKey() + "': " + f + " missing or not > 0");
                    }
                }
                if (e.getValue().path("source").asText().isBlank()) {
                    throw new EdgeFmException(MODELS_RESOURCE + ": model '" + e.getKey() + "': source missing");
                }
                out.put(e.getKey(), e.getValue());
            }
            return out;
        } catch (IOException e) {
            throw new EdgeFmException(MODELS_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = Measurements.class.getResourceAsStream(name);
        if (in == null) {
            throw new EdgeFmException("resource " + name + " is missing");
        }
        return in;
    }

    private static Row row(Map<String, String> r, String where, Map<String, JsonNode> models) {
        String at = where + ": row " + r.getOrDefault("#line", r.getOrDefault("id", "?"));
        String model = need(r, "model", at);
        if (!models.containsKey(model)) {
            throw new EdgeFmException(at + ": model '" + model + "' is not in " + MODELS_RESOURCE + " (expected one of: "
                    + String.join(", ", models.keySet()) + ")");
        }
        String device = need(r, "device", at);
        String mode = blankToNull(r.get("power_mode"));
        String q = mode == null ? device : device + "@" + mode;
        if (ProfileCatalog.builtIn().find(q).isEmpty()) {
            try {
                ProfileCatalog.builtIn().get(q);
            } catch (EdgeFmException e) {
                throw new EdgeFmException(at + ": " + e.getMessage(), e);
            }
        }
        String metric = need(r, "metric", at);
        if (!METRICS.contains(metric)) {
            throw new EdgeFmException(at + ": metric '" + metric + "' (expected one of: " + String.join(", ", METRICS) + ")");
        }
        if (LLM_METRICS.contains(metric) != models.get(model).path("kind").asText().equals("llm")) {
            throw new EdgeFmException(at + ": metric " + metric + " does not fit model '" + model + "' ("
                    + String.join(" and ", LLM_METRICS) + " are for llm models, and llm models take only those)");
        }
        PerformanceModel.Precision p;
        try {
            p = PerformanceModel.Precision.parse(need(r, "precision", at));
        } catch (IllegalArgumentException e) {
            throw new EdgeFmException(at + ": " + e.getMessage());
        }
        if (p == PerformanceModel.Precision.FP8) {
            DeviceProfile d = ProfileCatalog.builtIn().get(q);
            if (d.gpu() == null || !d.gpu().hasFp8()) {
                throw new EdgeFmException(at + ": precision fp8 on " + q + ", whose GPU has no FP8 tensor math"
                        + " (expected a device with gpu.fp8Tflops: Hopper or Ada)");
            }
        }
        String b = need(r, "batch", at);
        int batch = b.equalsIgnoreCase("max") ? 0 : positiveInt(b, "batch", at);
        if (batch == 0 && !metric.equals("items_per_s")) {
            throw new EdgeFmException(at + ": batch max goes with metric items_per_s");
        }
        double value;
        try {
            value = Double.parseDouble(need(r, "value", at));
        } catch (NumberFormatException e) {
            throw new EdgeFmException(at + ": value '" + r.get("value") + "' is not a number");
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new EdgeFmException(at + ": value " + value + " (expected: > 0)");
        }
        String c = blankToNull(r.get("context"));
        int context = c == null ? 0 : positiveInt(c, "context", at);
        if (metric.equals("prefill_tokens_per_s") && context == 0) {
            throw new EdgeFmException(at + ": metric prefill_tokens_per_s needs context (the prompt length in tokens)");
        }
        if (metric.equals("prefill_tokens_per_s") && batch != 1) {
            throw new EdgeFmException(at + ": metric prefill_tokens_per_s is for one prompt at a time (batch 1)");
        }
        String split = r.getOrDefault("split", "test");
        split = split == null || split.isBlank() ? "test" : split.strip().toLowerCase(Locale.ROOT);
        if (!split.equals("train") && !split.equals("test")) {
            throw new EdgeFmException(at + ": split '" + split + "' (expected train or test)");
        }
        String source = need(r, "source", at);
        String launch = blankToNull(r.get("launch"));
        if (launch != null && !LAUNCHES.contains(launch.toLowerCase(Locale.ROOT))) {
            throw new EdgeFmException(at + ": launch '" + launch + "' (expected one of: " + String.join(", ", LAUNCHES) + ", or empty)");
        }
        return new Row(r.getOrDefault("id", ""), split, model, p, batch, device, mode, metric, value, context,
                r.getOrDefault("runtime", ""), source, launch != null && launch.equalsIgnoreCase("stream"));
    }

    private static int positiveInt(String s, String what, String at) {
        try {
            int v = Integer.parseInt(s.strip());
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new EdgeFmException(at + ": " + what + " '" + s + "' (expected: an integer >= 1)");
    }

    private static String need(Map<String, String> r, String k, String at) {
        String v = blankToNull(r.get(k));
        if (v == null) {
            throw new EdgeFmException(at + ": " + k + " is missing");
        }
        return v.strip();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static List<Map<String, String>> jsonRows(String text, String where) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (IOException e) {
            throw new EdgeFmException(where + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        JsonNode arr = root.isArray() ? root : root.path("rows");
        if (!arr.isArray()) {
            throw new EdgeFmException(where + ": expected a JSON array of rows, or an object with a 'rows' array");
        }
        List<Map<String, String>> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : arr) {
            i++;
            if (i > MAX_ROWS) {
                throw new EdgeFmException(where + ": more than " + MAX_ROWS + " rows");
            }
            if (!n.isObject()) {
                throw new EdgeFmException(where + ": row " + i + " is not an object");
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("#line", "#" + i);
            n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
            out.add(m);
        }
        return out;
    }

    private static List<Map<String, String>> csvRows(String text, String where) {
        List<Map<String, String>> out = new ArrayList<>();
        List<String> header = null;
        int lineNo = 0;
        for (String line : text.split("\\R")) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> cells = splitCsv(line, where + ":" + lineNo);
            if (header == null) {
                header = cells.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
                for (String need : List.of("model", "precision", "batch", "device", "metric", "value", "source")) {
                    if (!header.contains(need)) {
                        throw new EdgeFmException(where + ":" + lineNo + ": header lacks column '" + need + "' (columns: "
                                + String.join(",", COLUMNS) + ")");
                    }
                }
                continue;
            }
            if (out.size() >= MAX_ROWS) {
                throw new EdgeFmException(where + ": more than " + MAX_ROWS + " rows");
            }
            if (cells.size() != header.size()) {
                throw new EdgeFmException(where + ":" + lineNo + ": " + cells.size() + " cells (expected " + header.size() + ")");
            }
            Map<String, String> m = new LinkedHashMap<>();
            m.put("#line", "at line " + lineNo);
            for (int i = 0; i < header.size(); i++) {
                m.put(header.get(i), cells.get(i));
            }
            out.add(m);
        }
        if (header == null) {
            throw new EdgeFmException(where + ": no header line");
        }
        return out;
    }

    static List<String> splitCsv(String line, String at) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new EdgeFmException(at + ": unterminated quote");
        }
        out.add(cur.toString());
        return out;
    }

    static String requireText(String s, String what) {
        return requireNonNull(s, what);
    }
}
