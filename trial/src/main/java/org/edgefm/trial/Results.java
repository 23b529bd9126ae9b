package org.edgefm.trial;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The results document of a run, one format for {@code ./edgefm simulate --json} and a trial's
 * {@code summary.json}, serialised by Jackson from these records: a header ({@code schema},
 * {@code mode}, {@code scenario}), one {@link Result} per (planner, load) and the sections only one
 * mode has ({@code bounds} and {@code frontier} of a simulation; directives, agents, links and the
 * timeline of a trial), kept as {@link #sections}. A simulation and a trial of the same planner are
 * compared field by field on their {@link Result}s: the same statistics (mean with Student-t
 * interval over seeds, quantiles of {@code control.stats.Quantiles}) and the same cost of
 * eqs. (6)-(7).
 *
 * @param schema   {@value #SCHEMA}
 * @param mode     {@code simulate} or {@code trial}
 * @param scenario the scenario's name
 * @param results  per planner and load, in the order run
 * @param sections the mode's other sections (top-level fields of the document), never null
 */
@JsonPropertyOrder({"schema", "mode", "scenario", "results"})
public record Results(String schema, String mode, String scenario, List<Result> results,
        @JsonIgnore ObjectNode sections) {
    /** The schema tag of this format; a reader refuses any other. */
    public static final String SCHEMA = "edgefm-results/1";

    /** The writer and reader of the format (NaN written as the string {@code "NaN"}, as Jackson does by default). */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Validates the header. */
    public Results {
        Objects.requireNonNull(mode, "mode is null");
        Objects.requireNonNull(scenario, "scenario is null");
        results = List.copyOf(results);
        sections = sections == null ? MAPPER.createObjectNode() : sections;
        for (String k : List.of("schema", "mode", "scenario", "results")) {
            if (sections.has(k)) {
                throw new IllegalArgumentException("sections: '" + k + "' is a field of the header");
            }
        }
    }

    /** A document of this schema. */
    public static Results of(String mode, String scenario, List<Result> results, ObjectNode sections) {
        return new Results(SCHEMA, mode, scenario, results, sections);
    }

    /** The whole document: the records serialised by Jackson, then the mode's sections. */
    public ObjectNode toJson() {
        ObjectNode n = MAPPER.valueToTree(this);
        n.setAll(sections);
        return n;
    }

    /** {@link #toJson()}, pretty-printed with a final newline. */
    public String toPrettyJson() {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the document to a file (creating its folder). */
    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toPrettyJson(), StandardCharsets.UTF_8);
    }

    /**
     * Reads a document written by {@code simulate --json} or a trial.
     *
     * @throws IllegalArgumentException naming the file and what is wrong (not JSON, another schema)
     */
    public static Results read(Path file) throws IOException {
        JsonNode n;
        try {
            n = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not a JSON document (" + e.getOriginalMessage() + ")");
        }
        return fromJson(n, file.toString());
    }

    /** Reads a document from its JSON tree; {@code where} names it in errors. */
    public static Results fromJson(JsonNode n, String where) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        String schema = n.path("schema").asText(null);
        if (!SCHEMA.equals(schema)) {
            throw new IllegalArgumentException(where + ": schema " + (schema == null ? "missing" : "'" + schema + "'")
                    + " (expected: '" + SCHEMA + "')");
        }
        try {
            Results header = MAPPER.treeToValue(n, Results.class);
            ObjectNode sections = ((ObjectNode) n).deepCopy();
            sections.remove(List.of("schema", "mode", "scenario", "results"));
            return new Results(header.schema(), header.mode(), header.scenario(), header.results(), sections);
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException(where + ": not a results document (" + e.getMessage() + ")");
        }
    }

    /**
     * One planner at one load over its runs (seeds; a trial is one run).
     *
     * @param planner    planner label (a sweep's variant label in {@code simulate})
     * @param load       load factor (1 for a trial)
     * @param seeds      runs
     * @param onTimeRate share of submitted tasks finished within their deadline: mean and 95 % interval over runs
     * @param cost       cost of eqs. (6)-(7) (or seed paper 2's cost where the scenario has switchable models)
     * @param latencyMs  end-to-end latency quantiles of completed tasks (per run, then the mean over runs)
     * @param outcomes   what became of the submitted tasks, summed over runs
     * @param perSeed    each run's on-time rate and cost (null for a trial)
     * @param delayMs    mean end-to-end delay of completed tasks (seed paper 3's metric; null for a trial)
     * @param genai      seed paper 2's other figures (null where not modelled)
     * @param energy     seed paper 3's energy budget (null where not modelled)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"planner", "perSeed", "load", "seeds", "onTimeRate", "cost", "latencyMs", "outcomes", "delayMs",
            "genai", "energy"})
    public record Result(String planner, double load, int seeds, Interval onTimeRate, Cost cost, LatencyMs latencyMs,
            Outcomes outcomes, List<SeedRun> perSeed, Interval delayMs, GenAi genai, Energy energy) {
    }

    /**
     * A mean and the half-width of its 95 % confidence interval ({@code control.stats.MeanIntervals}).
     *
     * @param mean the mean
     * @param ci95 half-width (0 for one run)
     */
    public record Interval(double mean, double ci95) {
        /** From {@code {mean, ci95}}. */
        public static Interval of(double[] meanCi) {
            return new Interval(meanCi[0], meanCi[1]);
        }
    }

    /**
     * Cost: mean over runs and its interval, and for seed paper 2 its model and parts.
     *
     * @param mean          mean cost
     * @param ci95          half-width of its 95 % interval
     * @param model         {@code paper2} for seed paper 2's cost, null for eqs. (6)-(7)
     * @param delayCost     paper 2's delay part (or null)
     * @param resourceCost  paper 2's resource part (or null)
     * @param cloudCost     paper 2's cloud part (or null)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Cost(double mean, double ci95, String model, Double delayCost, Double resourceCost, Double cloudCost) {
        /** Eqs. (6)-(7). */
        public static Cost of(double[] meanCi) {
            return new Cost(meanCi[0], meanCi[1], null, null, null, null);
        }
    }

    /**
     * End-to-end latency quantiles in ms ({@code control.stats.Quantiles}; NaN without completed tasks).
     *
     * @param p50 median
     * @param p95 95th percentile
     * @param p99 99th percentile
     */
    public record LatencyMs(double p50, double p95, double p99) {
    }

    /**
     * What became of the submitted tasks, summed over runs: {@code onTime + completedLate} completed;
     * the rest failed for the reasons the mode can tell apart (null where a mode has no such count).
     *
     * @param submitted     tasks submitted
     * @param onTime        completed within their deadline
     * @param completedLate completed after it
     * @param failed        failed, any reason (trial)
     * @param refused       not accepted by their origin agent (trial)
     * @param unrouted      no route for a stage (simulation)
     * @param expired       dropped after their deadline (simulation)
     * @param nodeDown      lost with a failed node (simulation)
     * @param noPath        no network path (simulation)
     * @param rejected      turned away at admission (simulation; in a trial they are refused)
     * @param pending       still running at the end (simulation)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Outcomes(long submitted, long onTime, long completedLate, Long failed, Long refused, Long unrouted,
            Long expired, Long nodeDown, Long noPath, Long rejected, Long pending) {
    }

    /**
     * One run of a simulation.
     *
     * @param seed       its seed
     * @param onTimeRate its on-time rate
     * @param cost       its cost
     */
    public record SeedRun(long seed, double onTimeRate, double cost) {
    }

    /**
     * Seed paper 2's figures other than cost, means over runs.
     *
     * @param cloudRequests         requests sent to the cloud
     * @param switches              model switches
     * @param meanSwitchMs          mean switching time
     * @param energyJ               edge energy
     * @param slotsOverEnergyBudget slots whose edge energy exceeded the budget
     */
    public record GenAi(double cloudRequests, double switches, double meanSwitchMs, double energyJ,
            double slotsOverEnergyBudget) {
    }

    /**
     * Seed paper 3's energy budget.
     *
     * @param budget         per-user power budget in W (mean over runs)
     * @param timeAverage    time-average power of the user furthest over budget (mean over runs)
     * @param worstRatio     the worst ratio of time-average power to budget over runs
     * @param satisfied      true when every run stayed within budget
     * @param satisfiedSeeds runs that did
     */
    public record Energy(double budget, double timeAverage, double worstRatio, boolean satisfied, long satisfiedSeeds) {
    }
}
