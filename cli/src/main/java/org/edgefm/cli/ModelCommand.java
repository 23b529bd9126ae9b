package org.edgefm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.edgefm.api.EdgeFmException;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.models.BuiltinModels;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Generator;
import org.edgefm.models.family.Heads;
import org.edgefm.models.family.Sequence;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.image.ImagePreprocessor;
import org.edgefm.models.manifest.ModelFolder;
import org.edgefm.models.manifest.ModelManifest;
import org.edgefm.models.text.TextTokenizer;
import org.edgefm.profiles.KernelCost;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code edgefm model run|plan}: run a real model from its own files, or show how a manifest cuts it. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Real models: run one from a folder of safetensors + config.json (+ tokenizer.json), or show a manifest's parts.",
        subcommands = {ModelCommand.Run.class, ModelCommand.Plan.class})
final class ModelCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: run or plan");
    }

    /** {@code edgefm model run}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run a model of a supported family (vit, clip, bert, gpt2, llama) on images or texts and print its answer.")
    static final class Run implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--model-dir", description = "folder with model.safetensors (or model.safetensors.index.json), config.json and,"
                + " for text, tokenizer.json")
        Path modelDir;

        @Option(names = "--builtin", description = "a model that ships on the classpath: all-minilm-l6-v2")
        String builtin;

        @Option(names = "--family", description = "vit, clip, bert, gpt2 or llama (default: config.json's model_type)")
        String family;

        @Option(names = "--image", description = "an image file (PNG, JPEG, BMP, GIF); repeatable")
        List<Path> images = new ArrayList<>();

        @Option(names = "--text", description = "a text (a prompt for decoders, a label for CLIP); repeatable")
        List<String> texts = new ArrayList<>();

        @Option(names = "--pooling", description = "bert: cls, mean or pooler (default: cls; mean for sentence-transformers)")
        String pooling;

        @Option(names = "--generate", defaultValue = "20", description = "decoders: tokens to generate (default: ${DEFAULT-VALUE})")
        int generate;

        @Option(names = "--top-k", defaultValue = "1", description = "decoders: sample among the k best tokens (1: greedy)")
        int topK;

        @Option(names = "--temperature", defaultValue = "1.0", description = "decoders: sampling temperature")
        double temperature;

        @Option(names = "--seed", defaultValue = "0", description = "decoders: sampling seed")
        long seed;

        @Option(names = "--top", defaultValue = "5", description = "labels to print (default: ${DEFAULT-VALUE})")
        int top;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            if ((modelDir == null) == (builtin == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --model-dir and --builtin");
            }
            if (generate < 1 || topK < 1 || !(temperature > 0) || top < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--generate, --top-k, --top must be >= 1 and --temperature > 0");
            }
            if (builtin != null) {
                if (!builtin.equals("all-minilm-l6-v2")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--builtin: '" + builtin + "' (expected: all-minilm-l6-v2)");
                }
                try (Weights w = BuiltinModels.miniLmWeights(); TextTokenizer tok = BuiltinModels.miniLmTokenizer()) {
                    texts(out, BuiltinModels.miniLmArch(), w, tok);
                }
                return;
            }
            Path config = modelDir.resolve("config.json");
            if (!Files.isRegularFile(config)) {
                throw new EdgeFmException(modelDir + ": no config.json (the model's Hugging Face config)");
            }
            String fam = family;
            try (Weights w = Weights.open(modelDir)) {
                if ("clip".equals(fam) || (fam == null && isClip(config))) {
                    clip(out, config, w);
                    return;
                }
                Arch arch = Arch.fromConfig(config, fam);
                if (pooling != null) {
                    arch = arch.withPooling(pooling);
                }
                if (arch.isVision()) {
                    vision(out, arch, w);
                } else {
                    try (TextTokenizer tok = TextTokenizer.open(modelDir.resolve("tokenizer.json"),
                            arch.maxPositions() > 0 ? arch.maxPositions() : 512)) {
                        if (arch.isDecoder()) {
                            decode(out, arch, w, tok);
                        } else {
                            texts(out, arch, w, tok);
                        }
                    }
                }
            }
        }

        private static boolean isClip(Path config) {
            try {
                return Files.readString(config).contains("\"vision_config\"");
            } catch (IOException e) {
                return false;
            }
        }

        private float[] image(Path file, Arch arch) {
            ImagePreprocessor pre = ModelFolder.imagePreprocessor(modelDir, arch);
            try (InputStream in = Files.newInputStream(file)) {
                return pre.prepare(in, file.toString());
            } catch (IOException e) {
                throw new EdgeFmException(file + ": cannot read (" + e.getMessage() + ")", e);
            }
        }

        private void vision(PrintWriter out, Arch arch, Weights w) {
            if (images.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "a vision model needs --image");
            }
            Transformer m = Transformer.load(arch, w, Transformer.Part.all(arch));
            for (Path f : images) {
                INDArray y = m.head(m.runBlocks(m.embedImage(image(f, arch)), new Sequence()), new Sequence());
                out.println(f + ":");
                if (arch.labels().isEmpty()) {
                    out.printf(Locale.ROOT, "  embedding of %d values, norm %.4f%n", y.length(), y.norm2Number().doubleValue());
                } else {
                    for (Heads.Scored s : Heads.topLabels(Heads.vector(y), arch.labels(), top)) {
                        out.printf(Locale.ROOT, "  %-30s %.4f%n", s.label(), s.score());
                    }
                }
            }
        }

        private void clip(PrintWriter out, Path config, Weights w) {
            if (images.isEmpty() || texts.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "CLIP zero-shot needs --image and one --text per label");
            }
            Arch vision = Arch.fromConfig(config, "clip-vision");
            Arch text = Arch.fromConfig(config, "clip-text");
            Transformer vm = Transformer.load(vision, w, Transformer.Part.all(vision));
            Transformer tm = Transformer.load(text, w, Transformer.Part.all(text));
            List<float[]> labels = new ArrayList<>();
            try (TextTokenizer tok = TextTokenizer.open(modelDir.resolve("tokenizer.json"), text.maxPositions())) {
                for (String t : texts) {
                    labels.add(Heads.vector(tm.forwardText(tok.encode(t), null)));
                }
            }
            double scale = Float.isNaN(tm.logitScale()) ? 100.0 : tm.logitScale();
            for (Path f : images) {
                float[] img = Heads.vector(vm.head(vm.runBlocks(vm.embedImage(image(f, vision)), new Sequence()), new Sequence()));
                out.println(f + ":");
                for (Heads.Scored s : Heads.zeroShot(img, labels, texts, scale)) {
                    out.printf(Locale.ROOT, "  %-30s %.4f%n", s.label(), s.score());
                }
            }
        }

        private void texts(PrintWriter out, Arch arch, Weights w, TextTokenizer tok) {
            if (texts.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "a text encoder needs --text");
            }
            Transformer m = Transformer.load(arch, w, Transformer.Part.all(arch));
            List<float[]> emb = new ArrayList<>();
            for (String t : texts) {
                emb.add(Heads.normalize(Heads.vector(m.forwardText(tok.encode(t), null))));
            }
            out.printf(Locale.ROOT, "embeddings: %d values each (%s pooling, L2-normalised)%n", emb.get(0).length, arch.pooling());
            for (int i = 0; i < texts.size(); i++) {
                out.printf(Locale.ROOT, "  cos(text 1, text %d) = %.4f  %s%n", i + 1, Heads.cosine(emb.get(0), emb.get(i)), texts.get(i));
            }
        }

        private void decode(PrintWriter out, Arch arch, Weights w, TextTokenizer tok) {
            if (texts.size() != 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "a decoder needs exactly one --text (the prompt)");
            }
            int[] prompt = tok.encode(texts.get(0)).ids();
            Generator g = new Generator(List.of(Transformer.load(arch, w, Transformer.Part.all(arch))));
            int[] ids = g.generate(prompt, generate, new Generator.Sampling(topK, temperature, seed), -1);
            out.println(texts.get(0) + tok.decode(ids));
            out.println("tokens: " + java.util.Arrays.toString(ids));
        }
    }

    /** {@code edgefm model plan}. */
    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Validate a model manifest and print each part: blocks, weight memory, GFLOP per request, bytes sent on.")
    static final class Plan implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", description = "the manifest (JSON), or a model folder (config.json, model.safetensors): its"
                + " manifest is made as trial --model-dir makes it")
        Path manifest;
        @Option(names = "--cut", paramLabel = "N|FROM:TO,...", description = "a model folder's core parts: a count, or block"
                + " ranges such as 0:6,6:12 (default: 2 parts)")
        String cut;

        @Option(names = "--tokens", defaultValue = "128", description = "text models: tokens per request (default: ${DEFAULT-VALUE})")
        int tokens;

        @Override
        public void run() {
            if (tokens < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--tokens must be >= 1");
            }
            ModelManifest m = org.edgefm.models.manifest.ModelFolder.isModelFolder(manifest)
                    ? org.edgefm.models.manifest.ModelFolder.open(manifest, null).inPlace(cut) : ModelManifest.load(manifest);
            PrintWriter out = spec.commandLine().getOut();
            Arch a = m.arch();
            out.printf(Locale.ROOT, "%s: %s, %d layers x %d wide, %d heads, wire %s%n", m.name(), a.family(), a.layers(), a.hidden(),
                    a.heads(), m.wire().name().toLowerCase(Locale.ROOT));
            out.printf(Locale.ROOT, "%-20s %-6s %-12s %12s %10s %12s%n", "PART", "KIND", "HOLDS", "WEIGHTS MB", "GFLOP", "SENDS BYTES");
            for (ModelManifest.PartSpec p : m.parts()) {
                double gflop = 0;
                for (KernelSpec k : m.costSpecs(p.id(), tokens)) {
                    gflop += KernelCost.of(k).flops() / 1e9;
                }
                String holds = p.role() == ModelManifest.Role.PREPROCESS ? "preprocess"
                        : (p.part().embed() ? "emb+" : "") + "[" + p.part().from() + "," + p.part().to() + ")" + (p.part().head() ? "+head" : "");
                out.printf(Locale.ROOT, "%-20s %-6s %-12s %12.2f %10.4f %12d%n", p.id(), p.kind(), holds, m.weightBytes(p.id()) / 1e6, gflop,
                        m.outputWireBytes(p.id(), tokens));
            }
            // what a scenario's services put as their kernels (docs/scenario-format.md, "Real models")
            out.println("scenario kernels (weights relative to the agents' model folder, as FILE#PART):");
            String file = manifest.getFileName().toString();
            for (ModelManifest.PartSpec p : m.parts()) {
                try {
                    KernelSpec k = m.kernelSpec(p.id(), tokens, file);
                    out.printf(Locale.ROOT, "  %-20s {\"kind\": \"%s\", \"dims\": %s, \"weights\": \"%s\"}%n", p.id(), k.kind(),
                            new java.util.TreeMap<>(k.dims()).toString().replace("=", "\": ").replace("{", "{\"").replace(", ", ", \""),
                            k.weights());
                } catch (org.edgefm.scenario.ScenarioException e) {
                    out.printf(Locale.ROOT, "  %-20s (no kernel: %s)%n", p.id(), e.getMessage());
                }
            }
        }
    }
}
