package org.edgefm.trial;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.models.manifest.ModelFolder;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.manifest.PartRunner;
import org.edgefm.models.manifest.ScenarioModels;
import org.edgefm.models.manifest.ZeroShotLabels;

/**
 * {@code ./edgefm trial --model-dir DIR}: a user's own model folder (Hugging Face layout) served by a
 * trial with no manifest or scenario written by hand. The folder becomes a manifest
 * ({@link ModelFolder}: family, hyper-parameters, the cut), the manifest a scenario: one agent node
 * per started agent, one service per part with the part's real kernel shapes and a memory demand
 * from its weights, one task type through every part, one user sending a request a second, the
 * answers checked against the whole model as the real-model scenario's are ({@code agreement}).
 * Both files are written into {@code trials/models/NAME/} (next to links to the model's files, which
 * stay where they are) so the user can edit the cut, the demands or the workload and run the edited
 * scenario with {@code --scenario}.
 *
 * <p>A whole CLIP checkpoint is served as a zero-shot image classifier: its vision tower is cut into
 * the services, and its text tower embeds the labels ({@code --labels}, each put into
 * {@code --label-prompt}) once, here, into the head's {@code labels.json}.
 */
public final class ModelDirTrial {
    /** Text tokens per request the kernels are sized for (the built-in queries are shorter). */
    static final int TEXT_TOKENS = 16;
    /** Deadline of the generated task type. */
    static final int DEADLINE_MS = 5000;
    /** Core placement period of the generated scenario. */
    static final int PLANNING_EPOCH_MS = 30_000;
    /** CPU capacity of a generated node; a core part asks for three quarters of it, so one fits per node. */
    static final double NODE_CPU = 4;

    private ModelDirTrial() {
    }

    /**
     * Writes the manifest and scenario of a model folder and says what each part needs.
     *
     * @param modelDir the user's model folder
     * @param cut      the cut ({@link ModelFolder#parseCut}), or null for the default
     * @param nodes    nodes of the scenario (the agents the trial starts)
     * @param outRoot  where the generated folder goes ({@code trials/models})
     * @param out      where to say what was made
     * @return the scenario file
     * @throws EdgeFmException one line on a folder that cannot be served
     */
    public static Path scenario(Path modelDir, String cut, int nodes, Path outRoot, PrintWriter out) throws IOException {
        return scenario(modelDir, cut, null, null, nodes, outRoot, out);
    }

    /**
     * {@link #scenario(Path, String, int, Path, PrintWriter)} with the zero-shot labels of a CLIP model.
     *
     * @param labels      {@code --labels}: comma-separated class names or a file of one a line
     *                    ({@link ZeroShotLabels#parse}), or null for {@link ZeroShotLabels#DEFAULT_LABELS}; CLIP only
     * @param labelPrompt {@code --label-prompt}: the prompt with {} for the label, or null for
     *                    {@link ZeroShotLabels#DEFAULT_TEMPLATE}; CLIP only
     */
    public static Path scenario(Path modelDir, String cut, String labels, String labelPrompt, int nodes, Path outRoot, PrintWriter out)
            throws IOException {
        ModelFolder f = ModelFolder.open(modelDir, null);
        if (f.arch().family().equals("clip-text")) {
            throw new EdgeFmException(modelDir + ": a CLIP text tower alone answers with an embedding, which a trial cannot check"
                    + " against labels (expected: a whole CLIP model, whose vision tower answers with zero-shot labels)");
        }
        if (f.arch().family().equals("clip-vision") && !f.zeroShot()) {
            throw new EdgeFmException(modelDir + ": a CLIP vision tower without its text tower has no labels to answer with (expected: the"
                    + " whole CLIP model, config.json with text_config and vision_config, and its tokenizer.json)");
        }
        if (!f.zeroShot() && (labels != null || labelPrompt != null)) {
            throw new EdgeFmException((labels != null ? "--labels" : "--label-prompt") + ": only for a CLIP model (" + modelDir + " holds a "
                    + f.arch().family() + " model)");
        }
        List<String> labelList = f.zeroShot() ? ZeroShotLabels.parse(labels, "--labels") : null;
        if (f.zeroShot()) {
            ZeroShotLabels.prompt("x", labelPrompt); // a template without {} is refused before anything is written
        }
        try {
            ModelFolder.parseCut(cut, f.arch().layers());
        } catch (EdgeFmException e) {
            throw new EdgeFmException("--cut: " + e.getMessage());
        }
        Path dir = outRoot.resolve(f.name());
        String corpus = f.inputs().equals("sentences") ? "corpus.json" : f.zeroShot() ? "labels.json" : null;
        if (f.zeroShot()) {
            // the text tower runs here, once: the services hold the vision tower and score against these
            Files.createDirectories(dir);
            ZeroShotLabels z = f.zeroShotLabels(labelList, labelPrompt);
            z.write(dir.resolve(corpus));
            out.printf(Locale.ROOT, "  zero-shot labels: %d through the text tower (%s; logit scale %.1f), written to %s%n",
                    z.labels().size(), z.prompts().size() == 1 ? "'" + z.prompts().get(0) + "'" : "'" + z.prompts().get(0) + "', ...",
                    z.scale(), dir.resolve(corpus));
        }
        Path manifestFile = f.write(dir, cut, "fp32", corpus);
        ModelManifest m = ModelManifest.load(manifestFile);
        if (corpus != null && !f.zeroShot()) {
            // the head's kernel is sized by the corpus: embed the built-in documents now (the trial writes it again)
            PartRunner.embedCorpus(m, ScenarioModels.documents()).write(m.corpusFile());
        }
        Path scenarioFile = dir.resolve("scenario.json");
        Files.writeString(scenarioFile, json(f, m, Math.max(1, nodes)));
        out.printf(Locale.ROOT, "  model %s: %s, %d blocks x %d, from %s%n", m.name(), m.arch().family(), m.arch().layers(),
                m.arch().hidden(), modelDir.toAbsolutePath().normalize());
        for (String line : memoryTable(m)) {
            out.println("    " + line);
        }
        out.printf(Locale.ROOT, "  manifest and scenario written to %s (edit them and run ./edgefm trial --scenario %s)%n", dir,
                scenarioFile);
        out.flush();
        return scenarioFile;
    }

    /** What each part holds and needs: weight memory as FP32, output bytes per request. */
    public static List<String> memoryTable(ModelManifest m) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-18s %-5s %-14s %12s %12s", "PART", "KIND", "HOLDS", "WEIGHTS MB", "SENDS KB"));
        long total = 0;
        for (ModelManifest.PartSpec p : m.parts()) {
            String holds = p.role() == ModelManifest.Role.PREPROCESS ? "preprocess"
                    : (p.part().embed() ? "emb+" : "") + "[" + p.part().from() + "," + p.part().to() + ")" + (p.part().head() ? "+head" : "");
            long w = m.weightBytes(p.id());
            total += w;
            lines.add(String.format(Locale.ROOT, "%-18s %-5s %-14s %12.2f %12.2f", p.id(), p.kind(), holds, w / 1e6,
                    m.outputWireBytes(p.id(), TEXT_TOKENS) / 1e3));
        }
        lines.add(String.format(Locale.ROOT, "%-18s %-5s %-14s %12.2f   (FP32; an F16/BF16 file read as stored: half)", "all", "", "",
                total / 1e6));
        return lines;
    }

    /** The scenario of a model folder's manifest. */
    static String json(ModelFolder f, ModelManifest m, int nodes) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode s = json.createObjectNode();
        String name = "model-" + m.name();
        name = name.length() > 64 ? name.substring(0, 64) : name;
        String ref = m.name() + "/manifest.json";
        String taskType = switch (f.inputs()) {
            case "images" -> "classify";
            case "prompts" -> "next-token";
            default -> "retrieve";
        };
        s.put("schema", 1);
        s.put("name", name);
        s.put("description", "The model folder " + f.dir().toAbsolutePath().normalize().getFileName() + " (" + m.arch().family()
                + ") cut into " + m.parts().size() + " services across " + nodes + " agents; answers checked against the whole model.");
        long coreParts = m.parts().stream().filter(p -> p.kind().equals("core")).count();
        double ramGb = 0;
        for (ModelManifest.PartSpec p : m.parts()) {
            ramGb += partRamGb(m, p);
        }
        int nodeRam = (int) Math.max(16, Math.ceil(ramGb) + 1);
        ObjectNode topo = s.putObject("topology");
        ArrayNode ns = topo.putArray("nodes");
        ArrayNode links = topo.putArray("links");
        for (int i = 1; i <= nodes; i++) {
            ObjectNode n = ns.addObject().put("id", "node-" + i).put("kind", "device").put("profile", "jetson-orin-nx-16gb")
                    .put("speedFactor", 1.0);
            n.putObject("capacity").put("cpu", NODE_CPU).put("ram", nodeRam).put("gpu", 8).put("vram", 8);
            for (int j = 1; j < i; j++) {
                links.addObject().put("a", "node-" + j).put("b", "node-" + i).put("bandwidthMbPerMs", 0.125).put("lengthKm", 0.05)
                        .put("extraLatencyMs", 0.5);
            }
        }
        ObjectNode model = s.putArray("models").addObject();
        model.put("file", ref).put("manifest", "manifest.json").put("inputs", f.inputs());
        model.putArray("taskTypes").add(taskType);
        // a core part takes three quarters of a node's CPU (one per node) while the parts fit the nodes
        double coreCpu = coreParts <= nodes ? 0.75 * NODE_CPU : Math.floor(100 * NODE_CPU * nodes / coreParts * 0.75) / 100;
        ArrayNode services = s.putArray("services");
        long inBytes = 0;
        for (ModelManifest.PartSpec p : m.parts()) {
            boolean core = p.kind().equals("core");
            ObjectNode sv = services.addObject().put("id", p.id()).put("kind", p.kind());
            double ram = Math.ceil(partRamGb(m, p) * 1000) / 1000;
            ObjectNode d = sv.putObject("demand").put("cpu", core ? coreCpu : 0.25).put("ram", ram);
            if (core) {
                d.put("gpu", 2).put("vram", ram);
            }
            long outBytes = m.outputWireBytes(p.id(), TEXT_TOKENS);
            sv.put("workloadMb", mb(inBytes == 0 ? 1000 : inBytes)).put("outputMb", mb(outBytes));
            inBytes = outBytes;
            if (core) {
                sv.putObject("rate").put("type", "deterministic").put("rate", 0.01);
                sv.putObject("costs").put("deploy", 10.0).put("maintain", 2.0).put("parallelism", 0.0);
            } else {
                sv.putObject("rate").put("type", "gamma").put("shape", 2.0).put("scale", 0.01);
                sv.putObject("costs").put("deploy", 2.0).put("maintain", 0.5).put("parallelism", 0.5);
            }
            KernelSpec k = m.kernelSpec(p.id(), TEXT_TOKENS, ref);
            ObjectNode kn = sv.putObject("kernel").put("kind", k.kind());
            ObjectNode dims = kn.putObject("dims");
            new TreeMap<>(k.dims()).forEach(dims::put);
            kn.put("weights", k.weights());
        }
        ObjectNode tt = s.putArray("taskTypes").addObject().put("id", taskType).put("inputMb", mb(1000)).put("deadlineMs", DEADLINE_MS);
        ArrayNode stages = tt.putArray("stages");
        List<ModelManifest.PartSpec> parts = m.parts();
        for (int i = 0; i < parts.size(); i++) {
            ObjectNode st = stages.addObject().put("id", "s" + i).put("service", parts.get(i).id());
            if (i + 1 < parts.size()) {
                st.put("next", "s" + (i + 1));
            }
        }
        ObjectNode user = s.putArray("users").addObject().put("id", "user-1").put("node", "node-1").put("uplinkBandwidthMbPerMs", 0.01);
        user.putObject("channel").put("type", "fixed").put("snr", 60);
        ObjectNode w = s.putArray("workload").addObject().put("user", "user-1").put("taskType", taskType);
        w.putObject("arrivals").put("type", "periodic").put("periodMs", 1000);
        // a core placement every 30 s: a first plan dropped because the planner overran its budget on a busy
        // machine (loading a real model saturates the CPU) is made again instead of never (0 plans on joins only)
        s.putObject("run").put("slotMs", 500).put("slots", 240).put("planningEpochMs", PLANNING_EPOCH_MS).put("seed", 11);
        s.putArray("failures");
        // one node per core part is enough: the sparse-ip default of two (diversity) may not hold on a small fleet
        s.putObject("planner").put("sparse-ip.min-nodes", 1);
        return "// Made by ./edgefm trial --model-dir from " + f.dir().toAbsolutePath().normalize() + "; edit and run with --scenario.\n"
                + json.writerWithDefaultPrettyPrinter().writeValueAsString(s) + "\n";
    }

    /** A part's memory in GB: its FP32 weights and a margin for activations and the runtime. */
    static double partRamGb(ModelManifest m, ModelManifest.PartSpec p) {
        return m.weightBytes(p.id()) * 1.2 / 1e9 + 0.1;
    }

    private static double mb(long bytes) {
        return Math.max(1e-4, Math.round(bytes / 1e6 * 1e4) / 1e4);
    }
}
