package org.edgefm.models.manifest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.api.model.ServiceSpec;
import org.edgefm.models.BuiltinModels;
import org.edgefm.models.image.SampleImages;
import org.edgefm.scenario.ModelRef;
import org.edgefm.scenario.Scenario;
import org.edgefm.scenario.ScenarioException;
import org.edgefm.wire.TaskAnswer;

/**
 * The real models of a scenario ({@link Scenario#models()}) made ready for a trial: each manifest
 * and the files it names written into the agents' model folder, every service that runs a part
 * checked against the part's real shapes, the inputs the trial sends generated, and for each input
 * the answer of the whole model run in this process (the reference a split run must equal).
 */
public final class ScenarioModels {
    /** Where built-in models live on the classpath. */
    static final String BUILTIN_DIR = "org/edgefm/models/builtin/";
    /** The built-in retrieval corpus and queries. */
    static final String SENTENCES = BUILTIN_DIR + "retrieval-sentences.json";
    /** Files from this size on are linked into the model folder, not copied. */
    static final long LINK_BYTES = 1 << 20;
    /** Images generated per vision model. */
    public static final int IMAGES = 12;
    /** Most images read from a user's image folder. */
    public static final int MAX_USER_IMAGES = 256;
    /** Largest image file read from a user's image folder. */
    public static final long MAX_IMAGE_BYTES = 32L << 20;

    /**
     * One request a trial sends.
     *
     * @param name     what it is, for messages (the query, or the image's seed)
     * @param bytes    the body: UTF-8 text or an encoded image
     * @param expected the whole model's answer
     */
    public record Input(String name, byte[] bytes, TaskAnswer expected) {
    }

    private final Map<String, List<Input>> inputs = new LinkedHashMap<>();
    private final Map<String, String> modelOf = new LinkedHashMap<>();
    private final Map<String, Double> wholeModelMs = new LinkedHashMap<>();

    private ScenarioModels() {
    }

    /**
     * Prepares every model of the scenario.
     *
     * @param scenario    the scenario
     * @param scenarioDir the folder a path manifest is relative to (null for a built-in scenario)
     * @param modelDir    the agents' model folder
     * @param seed        seed of the generated images
     * @throws ScenarioException naming the scenario, model and field on any problem
     */
    public static ScenarioModels prepare(Scenario scenario, Path scenarioDir, Path modelDir, long seed) {
        return prepare(scenario, scenarioDir, modelDir, seed, null);
    }

    /**
     * {@link #prepare(Scenario, Path, Path, long)} with a user's images for the vision models instead of
     * generated ones.
     *
     * @param images a folder of images (PNG, JPEG, BMP, GIF; read with ImageIO, files in name order, at
     *               most {@value #MAX_USER_IMAGES}), or null to generate {@value #IMAGES} per model
     * @throws org.edgefm.api.EdgeFmException naming the folder or file when an image cannot be read or decoded
     */
    public static ScenarioModels prepare(Scenario scenario, Path scenarioDir, Path modelDir, long seed, Path images) {
        List<Map.Entry<String, byte[]>> userImages = images == null ? null : readImages(images);
        ScenarioModels out = new ScenarioModels();
        for (int i = 0; i < scenario.models().size(); i++) {
            ModelRef ref = scenario.models().get(i);
            String at = "models[" + i + "]";
            Path file = modelDir.resolve(ref.file()).normalize();
            try {
                materialise(ref, scenarioDir, file, scenario.name(), at);
            } catch (IOException e) {
                throw new ScenarioException(scenario.name(), at + ".manifest", "cannot write the model's files into " + modelDir + ": "
                        + e.getMessage());
            }
            ModelManifest m = ModelManifest.load(file);
            List<String> texts = null;
            if (ref.inputs().equals("sentences")) {
                if (m.arch().isVision() || m.arch().isDecoder() || m.corpusFile() == null) {
                    throw new ScenarioException(scenario.name(), at + ".inputs", "sentences for " + m.source()
                            + " (expected: a text encoder whose manifest names a \"corpus\" file)");
                }
                JsonNode s = sentences();
                List<String> docs = new ArrayList<>();
                s.get("documents").forEach(d -> docs.add(d.asText()));
                try {
                    PartRunner.embedCorpus(m, docs).write(m.corpusFile());
                } catch (IOException e) {
                    throw new ScenarioException(scenario.name(), at + ".manifest", "cannot write the corpus " + m.corpusFile() + ": "
                            + e.getMessage());
                }
                texts = new ArrayList<>();
                for (JsonNode q : s.get("queries")) {
                    texts.add(q.asText());
                }
            } else if (ref.inputs().equals("prompts")) {
                if (!m.arch().isDecoder()) {
                    throw new ScenarioException(scenario.name(), at + ".inputs", "prompts for " + m.source() + ", a " + m.arch().family()
                            + " model (expected: prompts only for a decoder, gpt2 or llama)");
                }
                texts = new ArrayList<>();
                for (JsonNode q : sentences().get("queries")) {
                    texts.add(q.asText()); // each answered with the decoder's next token
                }
            } else if (!m.arch().isVision()) {
                throw new ScenarioException(scenario.name(), at + ".inputs", "images for " + m.source() + ", a " + m.arch().family()
                        + " model (expected: " + (m.arch().isDecoder() ? "prompts" : "sentences") + ")");
            }
            checkServices(scenario, ref, m, at); // after the corpus: a retrieval head's cost counts its entries
            List<PartRunner> runners = new ArrayList<>();
            List<Input> list = new ArrayList<>();
            try {
                for (ModelManifest.PartSpec p : m.parts()) {
                    runners.add(PartRunner.load(m, p.id()));
                }
                if (texts == null && userImages != null) {
                    org.edgefm.models.image.ImagePreprocessor check = new org.edgefm.models.image.ImagePreprocessor(m.arch().imageSize(),
                            m.imageMean(), m.imageStd());
                    for (Map.Entry<String, byte[]> e : userImages) {
                        check.prepare(new java.io.ByteArrayInputStream(e.getValue()), images.resolve(e.getKey()).toString()); // named before sent
                    }
                }
                int n = texts != null ? texts.size() : userImages != null ? userImages.size() : IMAGES;
                double[] ms = new double[n];
                for (int k = 0; k < n; k++) {
                    long t0 = System.nanoTime();
                    String name = texts != null ? texts.get(k) : userImages != null ? userImages.get(k).getKey() : "image " + (seed + k);
                    byte[] bytes = texts != null ? texts.get(k).getBytes(StandardCharsets.UTF_8)
                            : userImages != null ? userImages.get(k).getValue() : SampleImages.png(m.arch().imageSize(), seed * 1_000_003L + k);
                    TaskAnswer a = PartRunner.monolithic(runners, bytes);
                    ms[k] = (System.nanoTime() - t0) / 1e6;
                    if (a == null) {
                        throw new ScenarioException(scenario.name(), at + ".manifest", m.source() + " gives no answer (expected: a head"
                                + " with labels, a retrieval corpus or an lm head)");
                    }
                    list.add(new Input(name, bytes, a));
                }
                java.util.Arrays.sort(ms); // the median: the first inputs pay for class loading and the JIT
                double median = n == 0 ? Double.NaN : n % 2 == 1 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
                for (String t : ref.taskTypes()) {
                    out.wholeModelMs.put(t, median);
                }
            } finally {
                runners.forEach(PartRunner::close);
            }
            for (String t : ref.taskTypes()) {
                out.inputs.put(t, List.copyOf(list));
                out.modelOf.put(t, m.name());
            }
        }
        return out;
    }

    /** The image files of a folder (by name; image extensions only), each read whole, with its name. */
    static List<Map.Entry<String, byte[]>> readImages(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new org.edgefm.api.EdgeFmException(dir + ": not a folder (expected: a folder of images, PNG, JPEG, BMP or GIF)");
        }
        List<Path> files;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().toLowerCase(java.util.Locale.ROOT)
                    .matches(".*\\.(png|jpe?g|bmp|gif|wbmp)")).sorted().toList();
        } catch (IOException e) {
            throw new org.edgefm.api.EdgeFmException(dir + ": cannot list (" + e.getMessage() + ")");
        }
        if (files.isEmpty()) {
            throw new org.edgefm.api.EdgeFmException(dir + ": no image files (expected: .png, .jpg, .jpeg, .bmp or .gif files)");
        }
        if (files.size() > MAX_USER_IMAGES) {
            throw new org.edgefm.api.EdgeFmException(dir + ": " + files.size() + " images (expected: at most " + MAX_USER_IMAGES
                    + "; the trial sends them in turn)");
        }
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (Path f : files) {
            try {
                long size = Files.size(f);
                if (size > MAX_IMAGE_BYTES) {
                    throw new org.edgefm.api.EdgeFmException(f + ": " + size + " bytes (expected: at most " + MAX_IMAGE_BYTES + ")");
                }
                out.add(Map.entry(f.getFileName().toString(), Files.readAllBytes(f)));
            } catch (IOException e) {
                throw new org.edgefm.api.EdgeFmException(f + ": cannot read (" + e.getMessage() + ")");
            }
        }
        return out;
    }

    /** True when requests of this task type go to a real model. */
    public boolean serves(String taskType) {
        return inputs.containsKey(taskType);
    }

    /** The model answering a task type, or null. */
    public String model(String taskType) {
        return modelOf.get(taskType);
    }

    /** The {@code index}-th request of a task type (its inputs in turn). */
    public Input input(String taskType, long index) {
        List<Input> l = Objects.requireNonNull(inputs.get(taskType), taskType);
        return l.get((int) Math.floorMod(index, (long) l.size()));
    }

    /**
     * The median wall time of one input through the whole model in this process (all parts in turn,
     * FP32 between them, no wire), in ms; NaN for a task type no model serves.
     */
    public double wholeModelMs(String taskType) {
        return wholeModelMs.getOrDefault(taskType, Double.NaN);
    }

    /** The inputs of a task type. */
    public List<Input> inputs(String taskType) {
        return inputs.getOrDefault(taskType, List.of());
    }

    /** Each service that names a part of this model runs exactly the part's real shapes. */
    private static void checkServices(Scenario scenario, ModelRef ref, ModelManifest m, String at) {
        for (ServiceSpec s : scenario.services()) {
            KernelSpec k = s.kernel();
            if (k == null || k.weights() == null || !k.weights().startsWith(ref.file() + "#")) {
                continue;
            }
            String part = k.weights().substring(ref.file().length() + 1);
            if (!m.partIds().contains(part)) {
                throw new ScenarioException(scenario.name(), "services." + s.id() + ".kernel.weights", "'" + k.weights() + "': no part '"
                        + part + "' in " + ref.file() + " (parts: " + m.parts().stream().map(ModelManifest.PartSpec::id).toList() + ")");
            }
            KernelSpec want = m.kernelSpec(part, k.dims().getOrDefault("tokens", 1), ref.file());
            if (!want.kind().equals(k.kind()) || !want.dims().equals(k.dims())) {
                throw new ScenarioException(scenario.name(), "services." + s.id() + ".kernel", k.kind() + " " + k.dims()
                        + " (expected: " + want.kind() + " " + want.dims() + ", the real shapes of part '" + part + "' of " + ref.file() + ")");
            }
            if (!s.kind().name().equalsIgnoreCase(m.part(part).kind())) {
                throw new ScenarioException(scenario.name(), "services." + s.id() + ".kind", s.kind().name().toLowerCase(java.util.Locale.ROOT)
                        + " (expected: " + m.part(part).kind() + ", as " + ref.file() + " declares part '" + part + "')");
            }
        }
    }

    /** Writes the manifest to {@code file} and the files it names next to it. */
    private static void materialise(ModelRef ref, Path scenarioDir, Path file, String scenario, String at) throws IOException {
        Files.createDirectories(file.getParent());
        if (ref.builtin()) {
            String name = ref.manifest().substring("builtin:".length());
            byte[] single = resource(BUILTIN_DIR + name + ".manifest.json");
            if (single != null) {
                Files.write(file, single);
                return;
            }
            byte[] manifest = resource(BUILTIN_DIR + name + "/manifest.json");
            if (manifest == null) {
                throw new ScenarioException(scenario, at + ".manifest", "'" + ref.manifest() + "': no built-in model of that name (expected:"
                        + " builtin:all-minilm-l6-v2-retrieval or builtin:tiny-vit)");
            }
            Files.write(file, manifest);
            for (String f : namedFiles(manifest)) {
                byte[] b = resource(BUILTIN_DIR + name + "/" + f);
                if (b != null) {
                    Files.write(file.getParent().resolve(f), b);
                } else if (name.startsWith("all-minilm-l6-v2")) {
                    BuiltinModels.exportMiniLm(file.getParent()); // from the langchain4j artifact
                } else {
                    throw new IllegalStateException("built-in model " + name + " lacks " + f);
                }
            }
            return;
        }
        Path base = scenarioDir == null ? Path.of("") : scenarioDir;
        Path src = base.resolve(ref.manifest()).normalize();
        if (!Files.isRegularFile(src)) {
            throw new ScenarioException(scenario, at + ".manifest", "'" + ref.manifest() + "': no such file (" + src + ")");
        }
        byte[] manifest = Files.readAllBytes(src);
        Files.write(file, manifest);
        List<String> files = new ArrayList<>(namedFiles(manifest));
        for (String f : List.copyOf(files)) {
            Path from = src.getParent().resolve(f).normalize();
            if (f.endsWith(".index.json") && from.startsWith(src.getParent()) && Files.isRegularFile(from)) {
                try {
                    files.addAll(ModelManifest.shards(from)); // a sharded checkpoint: its shards go along
                } catch (org.edgefm.api.EdgeFmException e) {
                    throw new ScenarioException(scenario, at + ".manifest", e.getMessage());
                }
            }
        }
        for (String f : files) {
            Path from = src.getParent().resolve(f).normalize();
            if (!from.startsWith(src.getParent()) || !Files.isRegularFile(from)) {
                throw new ScenarioException(scenario, at + ".manifest", src + " names '" + f + "' (expected: a file next to it)");
            }
            Path to = file.getParent().resolve(f).normalize();
            if (Files.size(from) >= LINK_BYTES) {
                ModelFolder.link(from, to); // weights of a real model: a link, not a copy of gigabytes
            } else {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** The weights, config, tokenizer and zero-shot label files a manifest names (not the built-in weights). */
    private static List<String> namedFiles(byte[] manifest) throws IOException {
        JsonNode root = new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS).readTree(manifest);
        List<String> out = new ArrayList<>();
        for (String k : List.of("weights", "config", "tokenizer", "zeroShot")) {
            JsonNode v = root == null ? null : root.get(k);
            if (v != null && v.isTextual() && !v.asText().startsWith("builtin:")) {
                out.add(v.asText());
            }
        }
        return out;
    }

    /** The documents of the built-in retrieval corpus (what a text encoder's corpus is made of). */
    public static List<String> documents() {
        List<String> docs = new ArrayList<>();
        sentences().get("documents").forEach(d -> docs.add(d.asText()));
        return docs;
    }

    private static JsonNode sentences() {
        try {
            return new ObjectMapper().readTree(Objects.requireNonNull(resource(SENTENCES), SENTENCES));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + SENTENCES, e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = ScenarioModels.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }
}
