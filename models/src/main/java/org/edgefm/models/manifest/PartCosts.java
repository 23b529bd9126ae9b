package org.edgefm.models.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgefm.api.model.KernelSpec;
import org.edgefm.models.family.Arch;
import org.edgefm.models.family.Transformer;
import org.edgefm.models.manifest.ActivationCodec.WireType;
import org.edgefm.models.manifest.ModelManifest.PartSpec;
import org.edgefm.models.manifest.ModelManifest.Role;
import org.edgefm.scenario.ScenarioException;

/**
 * What a manifest's parts cost, from the model's real shapes: the tokens a request carries, each
 * part's matrix products as kernel specs, the one spec its service runs under, the FP32 bytes of its
 * weights and the bytes of its output on the wire.
 */
final class PartCosts {
    private final ModelManifest manifest;
    private final Arch arch;

    PartCosts(ModelManifest manifest) {
        this.manifest = manifest;
        this.arch = manifest.arch();
    }

    /** See {@link ModelManifest#tokens}. */
    int tokens(int textTokens) {
        return arch.isVision() ? arch.gridSide() * arch.gridSide() + 1 : textTokens;
    }

    /** See {@link ModelManifest#costSpecs}. */
    List<KernelSpec> costSpecs(String id, int textTokens) {
        PartSpec p = manifest.part(id);
        List<KernelSpec> out = new ArrayList<>();
        if (p.role() != Role.MODEL) {
            return out;
        }
        int t = tokens(textTokens);
        int d = arch.hidden();
        if (p.part().embed() && arch.isVision()) {
            out.add(new KernelSpec("patchify", Map.of("image", arch.imageSize(), "patch", arch.patchSize(), "channels", arch.channels(),
                    "hidden", d), null));
        }
        int layers = p.part().to() - p.part().from();
        if (layers > 0) {
            // SwiGLU has three d x m products instead of two, and GQA's K and V are narrower: fold both
            // into the MLP width so that the per-layer parameter count (and so FLOPs) is exact.
            long kv = (long) arch.kvHeads() * arch.headDim();
            long attnParams = 2L * d * d + 2L * d * kv;
            long mlpParams = (arch.family().equals("llama") ? 3L : 2L) * d * arch.intermediate();
            long equivalentMlp = Math.max(1, (attnParams + mlpParams - 4L * d * d) / (2L * d));
            out.add(new KernelSpec("transformer-encoder", Map.of("layers", layers, "hidden", d, "heads", arch.heads(), "tokens", t,
                    "mlp", (int) equivalentMlp), null));
        }
        if (p.part().head()) {
            int outWidth = switch (arch.family()) {
                case "vit" -> arch.labels().isEmpty() ? 0 : arch.labels().size();
                case "clip-vision", "clip-text" -> arch.projection();
                case "gpt2", "llama" -> arch.vocab();
                case "bert" -> arch.pooling().equals("pooler") ? d : 0;
                default -> 0;
            };
            if (manifest.corpusFile() != null) {
                // the similarity with every corpus entry: one [1, width] x [width, N] product
                outWidth = manifest.corpus().texts().size();
            }
            if (outWidth > 0) {
                out.add(new KernelSpec("head", Map.of("in", d, "out", outWidth, "tokens", t), null));
            }
            if (manifest.zeroShotFile() != null) {
                // CLIP's zero-shot head: the projected embedding against every label, one [1, proj] x [proj, L] product
                out.add(new KernelSpec("head", Map.of("in", arch.projection(), "out", manifest.zeroShot().labels().size(), "tokens", 1), null));
            }
        }
        return out;
    }

    /** See {@link ModelManifest#kernelSpec}. */
    KernelSpec kernelSpec(String id, int textTokens, String manifestRef) {
        PartSpec p = manifest.part(id);
        List<KernelSpec> specs = costSpecs(id, textTokens);
        KernelSpec main = specs.stream().filter(k -> k.kind().equals("transformer-encoder")).findFirst()
                .orElse(specs.stream().filter(k -> k.kind().equals("head")).findFirst().orElse(null));
        if (p.role() == Role.PREPROCESS) {
            return new KernelSpec("preprocess", preprocessDims(textTokens), manifestRef + "#" + id);
        }
        if (main == null) {
            throw new ScenarioException(manifest.source(), "parts", "'" + id + "' runs no blocks or head (expected: a part with blocks or the head)");
        }
        return new KernelSpec(main.kind(), main.dims(), manifestRef + "#" + id);
    }

    /**
     * The shapes of a pre-processing part: {@code in} bytes of input (an encoded image of about three
     * bytes per pixel, or about four bytes of text per token), {@code rows} x {@code cols} out (the
     * normalised image channel-major, or one row of token ids) and the request's {@code tokens}.
     */
    private Map<String, Integer> preprocessDims(int textTokens) {
        if (arch.isVision()) {
            int px = arch.imageSize() * arch.imageSize();
            return Map.of("in", 3 * px, "rows", arch.channels(), "cols", px, "tokens", tokens(textTokens));
        }
        return Map.of("in", 4 * textTokens, "rows", 1, "cols", textTokens, "tokens", textTokens);
    }

    /** See {@link ModelManifest#weightBytes}. */
    long weightBytes(String id) {
        PartSpec p = manifest.part(id);
        if (p.role() != Role.MODEL) {
            return 0;
        }
        long d = arch.hidden();
        long m = arch.intermediate();
        long kv = (long) arch.kvHeads() * arch.headDim();
        long n = 0;
        Transformer.Part part = p.part();
        String f = arch.family();
        boolean bias = !f.equals("llama");
        if (part.embed()) {
            n += switch (f) {
                case "vit" -> d * arch.channels() * arch.patchSize() * arch.patchSize() + d + d + (tokens(0)) * d;
                case "clip-vision" -> d * arch.channels() * arch.patchSize() * arch.patchSize() + d + tokens(0) * d + 2 * d;
                case "clip-text", "gpt2" -> (long) arch.vocab() * d + (long) arch.maxPositions() * d;
                case "bert" -> (long) arch.vocab() * d + (long) arch.maxPositions() * d + (long) arch.typeVocab() * d + 2 * d;
                case "llama" -> (long) arch.vocab() * d;
                default -> 0;
            };
        }
        long block = 2 * d * d + 2 * d * kv + (f.equals("llama") ? 3 * d * m : 2 * d * m)
                + (bias ? 2 * d + 2 * kv + m + d : 0) + (bias ? 4 * d : 2 * d);
        n += block * (part.to() - part.from());
        if (part.head()) {
            n += switch (f) {
                case "vit" -> 2 * d + (arch.labels().isEmpty() ? 0 : (d + 1) * arch.labels().size());
                case "clip-vision", "clip-text" -> 2 * d + (long) arch.projection() * d;
                case "bert" -> arch.pooling().equals("pooler") ? d * d + d : 0;
                case "gpt2" -> 2 * d + (long) arch.vocab() * d; // tied: wte read again for the head
                case "llama" -> d + (long) arch.vocab() * d;
                default -> 0;
            };
            if (manifest.corpusFile() != null) {
                n += (long) manifest.corpus().texts().size() * manifest.embeddingWidth();
            }
            if (manifest.zeroShotFile() != null) {
                n += (long) manifest.zeroShot().labels().size() * arch.projection();
            }
        }
        return 4 * n;
    }

    /** See {@link ModelManifest#outputWireBytes}. */
    long outputWireBytes(String id, int textTokens) {
        PartSpec p = manifest.part(id);
        int t = tokens(textTokens);
        int ids = arch.isVision() ? 0 : textTokens;
        if (p.role() == Role.PREPROCESS) {
            return arch.isVision() ? 4L * arch.channels() * arch.imageSize() * arch.imageSize() + 20 : 20 + 4L * textTokens;
        }
        if (!p.part().head()) {
            return ActivationCodec.size(t, arch.hidden(), ids, manifest.wire());
        }
        List<KernelSpec> c = costSpecs(id, textTokens);
        int width = c.isEmpty() || !c.get(c.size() - 1).kind().equals("head") ? arch.hidden() : c.get(c.size() - 1).dims().get("out");
        int rows = arch.isDecoder() ? t : 1;
        return ActivationCodec.size(rows, width, 0, WireType.FP32);
    }
}
