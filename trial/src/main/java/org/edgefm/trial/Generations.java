package org.edgefm.trial;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.edgefm.agent.internal.Tensors;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Generator;
import org.edgefm.models.manifest.GenerationReference;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.manifest.ScenarioModels;
import org.edgefm.models.manifest.SequenceCache;
import org.edgefm.models.manifest.TokenChain;
import org.edgefm.scenario.ModelRef;
import org.edgefm.scenario.Scenario;
import org.edgefm.wire.TaskAnswer;
import org.edgefm.wire.TaskCompletion;

/**
 * Text generation across the agents for a decoder's task types ({@code "inputs": "prompts"}): each
 * arrival of the workload starts a generation (greedy, or seeded top-k: {@link Settings#sampling}) of
 * {@link Settings#newTokens} tokens (default
 * {@value #NEW_TOKENS}; with {@link Settings#stopAtEos} ending early at the model's end-of-sequence token)
 * after one of the first {@value #PROMPTS} built-in prompts, driven by a {@link TokenChain}: the first task carries the prompt's token ids
 * (tokenised here with the model's tokenizer; the agents' tokenizer part passes ids on), each next
 * task only the token the previous one answered, with the sequence id and its start
 * ({@code ?sequence=SEQ&start=N}, and with top-k {@code &topK=K&temperature=T&seed=S}: the lm head's
 * agent draws the token as the reference does), so every part continues its key/value cache of the sequence; a
 * step a part cannot continue (a cache miss: the part moved, or its cache dropped the sequence) is
 * sent again from token 0 with the whole sequence. Every step is a task like any other (on-time
 * rate, latency) and its answer is checked against the same step of the whole model's generation in
 * this process ({@link GenerationReference}, through {@link Agreement}). The section {@code generation}
 * says how many generations finished, how many equal the whole model's text, tokens per second
 * (split and whole), steps and replays.
 */
public final class Generations {
    /** Tokens generated after each prompt unless the trial says otherwise ({@code --new-tokens}). */
    public static final int NEW_TOKENS = 8;
    /** The most tokens a generation may ask for: the whole model's reference runs every step before the agents start. */
    public static final int MAX_NEW_TOKENS = 256;
    /**
     * Prompts generated from (the first of the task type's inputs, in turn): each costs the trial
     * {@link Settings#newTokens} steps of the whole model before the agents start.
     */
    static final int PROMPTS = 4;
    /** Generations driven at once; an arrival when this many run is not started (counted). */
    static final int MAX_IN_FLIGHT = 4;
    /** How long a step waits for its completion before its generation counts as failed. */
    static final long STEP_TIMEOUT_MS = 30_000;
    /** How long the generations running when the workload ends may take to finish. */
    public static final long FINISH_MS = 20_000;
    /** Examples kept of generations that differ from the whole model's or failed. */
    static final int EXAMPLES = 5;

    /**
     * How a trial's generations run.
     *
     * @param newTokens tokens generated after each prompt, 1 to {@value #MAX_NEW_TOKENS} ({@code --new-tokens})
     * @param stopAtEos end a generation at the model's end-of-sequence token ({@code eos_token_id} of its
     *                  config; {@code --stop-at-eos}), in the split run and in the whole model's reference alike
     * @param sampling  how each token is chosen ({@code --top-k}, {@code --temperature}, {@code --sample-seed}):
     *                  greedy (k = 1) or a draw among the k best; the n-th prompt's generations draw with
     *                  {@code sampling.forStream(n)}, across the agents and in the whole model's reference alike
     */
    public record Settings(int newTokens, boolean stopAtEos, Generator.Sampling sampling) {
        /** The defaults: {@value #NEW_TOKENS} tokens, no stop, greedy. */
        public static final Settings DEFAULT = new Settings(NEW_TOKENS, false);

        /** Checks the range. */
        public Settings {
            if (newTokens < 1 || newTokens > MAX_NEW_TOKENS) {
                throw new EdgeFmException("--new-tokens: " + newTokens + " (expected: 1 to " + MAX_NEW_TOKENS + ")");
            }
            Objects.requireNonNull(sampling, "sampling is null");
        }

        /** Greedy generations. */
        public Settings(int newTokens, boolean stopAtEos) {
            this(newTokens, stopAtEos, Generator.Sampling.greedy());
        }

        /**
         * The settings from the trial's flags (null: not given): {@code --top-k} K &ge; 1 (absent or 1: greedy),
         * {@code --temperature} T &gt; 0 (default 1) and {@code --sample-seed} S (default 0) only with K &gt; 1.
         *
         * @throws EdgeFmException naming the flag, in one line, for a value out of range
         */
        public static Settings of(Integer newTokens, boolean stopAtEos, Integer topK, Double temperature, Long seed) {
            int n = newTokens == null ? NEW_TOKENS : newTokens;
            if (topK != null && topK < 1) {
                throw new EdgeFmException("--top-k: " + topK + " (expected: >= 1; 1 is greedy)");
            }
            if (temperature != null && (!(temperature > 0) || temperature.isInfinite())) {
                throw new EdgeFmException("--temperature: " + temperature + " (expected: > 0)");
            }
            if (topK == null || topK == 1) {
                if (temperature != null || seed != null) {
                    throw new EdgeFmException((temperature != null ? "--temperature" : "--sample-seed")
                            + ": given with greedy decoding (expected: --top-k K with K > 1 too)");
                }
                return new Settings(n, stopAtEos);
            }
            return new Settings(n, stopAtEos, new Generator.Sampling(topK, temperature == null ? 1.0 : temperature,
                    seed == null ? 0 : seed));
        }

        /** How tokens are chosen, in words: {@code greedy} or {@code top-k 5, temperature 0.8, seed 7}. */
        public String describeSampling() {
            return sampling.k() <= 1 ? "greedy" : String.format(Locale.ROOT, "top-k %d, temperature %s, seed %d", sampling.k(),
                    sampling.temperature(), sampling.seed());
        }
    }

    /** Sends one step task; true when the agent accepted it (202), false when it refused it (already accounted). */
    @FunctionalInterface
    public interface Submitter {
        /**
         * @param taskId the step's task id
         * @param query  the query parameters to add ({@code &sequence=...&start=...})
         * @param body   the token ids as a tensor body
         */
        boolean submit(String taskId, String query, byte[] body);
    }

    private final Map<String, GenerationReference> references = new LinkedHashMap<>();
    private final Map<String, String> models = new LinkedHashMap<>();
    /** The end-of-sequence token of each task type's model, or −1 where generations do not stop at one. */
    private final Map<String, Integer> eos = new LinkedHashMap<>();
    private final Settings settings;
    private final Agreement agreement;
    private final Map<String, CompletableFuture<TaskCompletion>> waiting = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "trial-generation");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
    private final AtomicBoolean closing = new AtomicBoolean();
    // books (guarded by this)
    private long started;
    private long notStarted;
    private long finished;
    private long equal;
    private long failed;
    private long unfinished;
    private long tokens;
    private long steps;
    private long replays;
    private double splitSeconds;
    private final List<Double> splitTokensPerSecond = new ArrayList<>();
    private final List<String> examples = new ArrayList<>();
    private String sample;

    private Generations(Agreement agreement, Settings settings) {
        this.agreement = agreement;
        this.settings = settings;
    }

    /**
     * The generations of a scenario's decoder models: each one's whole-model generation of
     * every prompt the trial sends is made here, once (said on {@code out}); null when the scenario
     * has no decoder model.
     *
     * @param modelDir the agents' model folder (the manifests are there, written by {@link ScenarioModels})
     * @param prepared the scenario's prepared models (the prompts of each task type are their inputs)
     * @throws EdgeFmException with {@link Settings#stopAtEos} when a decoder's config names no end-of-sequence token
     */
    public static Generations prepare(Scenario scenario, Path modelDir, ScenarioModels prepared, Agreement agreement, Settings settings,
            PrintWriter out) {
        Generations g = new Generations(agreement, settings);
        for (ModelRef r : scenario.models()) {
            if (!r.inputs().equals("prompts")) {
                continue;
            }
            ModelManifest m = ModelManifest.load(modelDir.resolve(r.file()).normalize());
            for (String t : r.taskTypes()) {
                List<String> p = prepared.inputs(t).stream().map(ScenarioModels.Input::name).limit(PROMPTS).toList();
                if (p.isEmpty()) {
                    continue;
                }
                int eos = settings.stopAtEos() ? m.arch().eosTokenId() : -1;
                if (settings.stopAtEos() && eos < 0) {
                    throw new EdgeFmException("--stop-at-eos: the model " + m.name() + " of " + t + " names no end-of-sequence token"
                            + " (eos_token_id in its config.json)");
                }
                GenerationReference ref = GenerationReference.generate(m, p, settings.newTokens(), eos, settings.sampling());
                g.references.put(t, ref);
                g.models.put(t, m.name());
                g.eos.put(t, eos);
                agreement.decodes(t);
                double tps = ref.generations().stream().mapToDouble(GenerationReference.Generation::tokensPerSecond).sorted()
                        .skip(ref.generations().size() / 2).findFirst().orElse(Double.NaN);
                GenerationReference.Generation first = ref.generations().get(0);
                out.printf(Locale.ROOT, "  generation for %s: %d prompts x %d tokens%s, %s, token by token across the agents with"
                        + " their key/value caches; the whole model here: %.1f tokens/s (median), e.g. '%s' -> '%s'%n", t, p.size(),
                        settings.newTokens(), eos < 0 ? "" : " (or up to end-of-sequence token " + eos + ")", settings.describeSampling(),
                        tps, first.prompt(), first.text());
            }
        }
        if (g.references.isEmpty()) {
            return null;
        }
        out.flush();
        return g;
    }

    /** True when arrivals of this task type start generations. */
    public boolean serves(String taskType) {
        return references.containsKey(taskType);
    }

    /** A completion reached the trial (every one; those of no step are ignored). */
    public void onCompletion(TaskCompletion c) {
        CompletableFuture<TaskCompletion> f = waiting.remove(c.taskId());
        if (f != null) {
            f.complete(c);
        }
    }

    /**
     * Starts the {@code index}-th generation of a task type on its own thread (the prompts in turn),
     * unless {@value #MAX_IN_FLIGHT} run already or the workload ended.
     *
     * @param idBase the task id the arrival would have had; steps are {@code idBase-sN} (a replay {@code -sNr})
     */
    public void start(String taskType, long index, String idBase, Submitter submitter) {
        GenerationReference ref = references.get(taskType);
        if (closing.get() || !slots.tryAcquire()) {
            synchronized (this) {
                notStarted++;
            }
            return;
        }
        GenerationReference.Generation expected = ref.generations().get((int) Math.floorMod(index, (long) ref.generations().size()));
        synchronized (this) {
            started++;
        }
        pool.execute(() -> {
            try {
                run(taskType, ref, expected, idBase, submitter);
            } finally {
                slots.release();
            }
        });
    }

    private void run(String taskType, GenerationReference ref, GenerationReference.Generation expected, String idBase, Submitter submitter) {
        int prompt = expected.promptIds().length;
        TokenChain chain = new TokenChain((sequence, start, ids) -> {
            // the generated token this step answers: 0 for the prompt, then one a step; a replay answers the same one again
            int position = start + ids.length - prompt;
            String taskId = idBase + "-s" + position + (start == 0 && position > 0 ? "r" : "");
            TaskAnswer want = expected.steps().get(Math.min(position, expected.steps().size() - 1));
            agreement.expect(taskId, taskType, want);
            CompletableFuture<TaskCompletion> done = new CompletableFuture<>();
            waiting.put(taskId, done);
            String query = "&sequence=" + sequence + "&start=" + start + sampling(expected.sampling());
            if (!submitter.submit(taskId, query, Tensors.write(GenerationReference.ids(ids)))) {
                waiting.remove(taskId);
                agreement.withdraw(taskId);
                throw new EdgeFmException("step " + position + " (task " + taskId + ") refused by the agent");
            }
            TaskCompletion c;
            try {
                c = done.get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                waiting.remove(taskId);
                throw new EdgeFmException("step " + position + " (task " + taskId + ") unanswered after " + STEP_TIMEOUT_MS + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EdgeFmException("step " + position + " (task " + taskId + ") interrupted: the trial ended");
            } catch (ExecutionException e) {
                throw new EdgeFmException("step " + position + ": " + e.getCause());
            }
            if (!c.success()) {
                if (SequenceCache.Miss.reports(c.error())) {
                    throw new SequenceCache.Miss(c.error());
                }
                throw new EdgeFmException("step " + position + " (task " + taskId + ") failed: " + c.error());
            }
            return GenerationReference.token(c.answer());
        });
        String sequence = idBase + "-g";
        long t0 = System.nanoTime();
        try {
            int[] got = chain.generate(sequence, expected.promptIds(), settings.newTokens(), eos.get(taskType), null);
            double s = (System.nanoTime() - t0) / 1e9;
            boolean same = Arrays.equals(got, expected.tokens());
            String text = ref.text(got);
            synchronized (this) {
                finished++;
                tokens += got.length;
                splitSeconds += s;
                splitTokensPerSecond.add(got.length / s);
                steps += chain.steps();
                replays += chain.replays();
                if (same) {
                    equal++;
                    if (sample == null) {
                        sample = "'" + expected.prompt() + "' -> '" + text + "'";
                    }
                } else if (examples.size() < EXAMPLES) {
                    examples.add(String.format(Locale.ROOT, "'%s': generated '%s', the whole model '%s'", expected.prompt(), text,
                            expected.text()));
                }
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                steps += chain.steps();
                replays += chain.replays();
                if (closing.get()) {
                    unfinished++;
                } else {
                    failed++;
                    if (examples.size() < EXAMPLES) {
                        examples.add("'" + expected.prompt() + "': " + e.getMessage());
                    }
                }
            }
        }
    }

    /**
     * A step's sampling as query parameters ({@code &topK=K&temperature=T&seed=S}, the generation's own seed);
     * none for greedy.
     */
    static String sampling(Generator.Sampling s) {
        return s.k() <= 1 ? "" : "&topK=" + s.k() + "&temperature=" + s.temperature() + "&seed=" + s.seed();
    }

    /**
     * The workload ended: no generation starts any more; those running may finish within
     * {@code waitMs}, the rest are stopped and counted unfinished.
     */
    public void finish(long waitMs) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(waitMs, TimeUnit.MILLISECONDS)) {
            closing.set(true);
            pool.shutdownNow();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
        closing.set(true);
        references.values().forEach(GenerationReference::close);
    }

    /** Generations that ran to their last token. */
    public synchronized long finished() {
        return finished;
    }

    /** Finished generations whose tokens equal the whole model's. */
    public synchronized long equal() {
        return equal;
    }

    private double wholeTokensPerSecond() {
        double tokens = 0;
        double seconds = 0;
        for (GenerationReference r : references.values()) {
            for (GenerationReference.Generation g : r.generations()) {
                tokens += g.tokens().length;
                seconds += g.ms() / 1000;
            }
        }
        return seconds == 0 ? Double.NaN : tokens / seconds;
    }

    private static double median(List<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    /** Prints the generation lines of the console summary. */
    public synchronized void print(PrintWriter out) {
        out.printf(Locale.ROOT, "generation (%s, %s, %d tokens each%s, token by token across the agents): %d started, %d finished,"
                + " %d equal to the whole model's text, %d failed, %d unfinished at the end, %d not started (%d already running)%n",
                String.join(", ", models.keySet()), settings.describeSampling(), settings.newTokens(), settings.stopAtEos() ? " or up to end-of-sequence" : "", started, finished, equal, failed, unfinished, notStarted, MAX_IN_FLIGHT);
        out.printf(Locale.ROOT, "  tokens/s: split %.2f (all tokens over all generations' time; median of generations %.2f),"
                + " the whole model in this process %.1f; %d steps, %d replayed from token 0 after a cache miss%n",
                splitSeconds == 0 ? Double.NaN : tokens / splitSeconds, median(splitTokensPerSecond), wholeTokensPerSecond(), steps, replays);
        if (sample != null) {
            out.println("  e.g. " + sample);
        }
        examples.forEach(x -> out.println("  differs or failed: " + x));
        out.flush();
    }

    /** Adds {@code generation} to a summary's JSON. */
    public synchronized void addTo(ObjectNode summary) {
        ObjectNode o = summary.putObject("generation");
        o.put("models", String.join(",", models.values()));
        o.put("taskTypes", String.join(",", models.keySet()));
        o.put("newTokens", settings.newTokens());
        o.put("stopAtEos", settings.stopAtEos());
        ObjectNode sm = o.putObject("sampling");
        sm.put("decoding", settings.sampling().k() <= 1 ? "greedy" : "top-k");
        sm.put("topK", Math.max(1, settings.sampling().k()));
        if (settings.sampling().k() > 1) {
            sm.put("temperature", settings.sampling().temperature());
            sm.put("seed", settings.sampling().seed());
        }
        o.put("started", started);
        o.put("finished", finished);
        o.put("equalToWholeModel", equal);
        o.put("failed", failed);
        o.put("unfinished", unfinished);
        o.put("notStarted", notStarted);
        o.put("tokens", tokens);
        o.put("steps", steps);
        o.put("replays", replays);
        o.put("splitTokensPerSecond", splitSeconds == 0 ? Double.NaN : tokens / splitSeconds);
        o.put("splitTokensPerSecondMedian", median(splitTokensPerSecond));
        o.put("wholeModelTokensPerSecond", wholeTokensPerSecond());
        if (sample != null) {
            o.put("sample", sample);
        }
        ArrayNode ex = o.putArray("differences");
        examples.forEach(ex::add);
    }
}
