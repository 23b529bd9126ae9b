package org.edgefm.models.family;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.edgefm.models.References;
import org.edgefm.models.Weights;
import org.edgefm.models.family.Transformer.Part;
import org.edgefm.models.nn.Fused;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-thread scratch arrays of a part's fused blocks: a pass's result belongs to its caller
 * (later passes do not write into it, nor into the input), and threads running one part at once,
 * on different token counts, get exactly the answers of one thread running them in turn.
 */
class BlockScratchTest {
    static INDArray hidden(long seed, int tokens, int d) {
        return Nd4j.randn(seed, new long[] {tokens, d}).castTo(DataType.FLOAT);
    }

    @Test
    void runBlocks_laterPasses_leaveEarlierResultsAndInputsAlone() throws Exception {
        Path dir = References.folder("fixtures", "vit");
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null);
        try (Weights w = Weights.open(dir)) {
            Transformer m = Transformer.load(arch, w, new Part(false, 0, arch.layers(), false));
            INDArray x1 = hidden(1, 17, arch.hidden());
            INDArray x1Before = x1.dup();
            INDArray r1 = m.runBlocks(x1, new Sequence());
            float[] r1Before = Fused.floats(r1);
            INDArray r2 = m.runBlocks(hidden(2, 17, arch.hidden()), new Sequence());
            m.runBlocks(hidden(3, 5, arch.hidden()), new Sequence());
            assertThat(Fused.floats(r1)).containsExactly(r1Before);
            assertThat(Fused.floats(x1)).containsExactly(Fused.floats(x1Before));
            assertThat(Fused.floats(r2)).isNotEqualTo(r1Before);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void runBlocks_fourThreadsOnOnePart_equalOneThreadExactly() throws Exception {
        Path dir = References.folder("fixtures", "vit");
        Arch arch = Arch.fromConfig(dir.resolve("config.json"), null);
        try (Weights w = Weights.open(dir)) {
            Transformer m = Transformer.load(arch, w, new Part(false, 0, arch.layers(), false));
            int[] tokens = {17, 5, 17, 1, 9, 17};
            List<INDArray> inputs = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < tokens.length; i++) {
                inputs.add(hidden(10 + i, tokens[i], arch.hidden()));
                expected.add(Fused.floats(m.runBlocks(inputs.get(i), new Sequence())));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> runs = new ArrayList<>();
                for (int thread = 0; thread < 4; thread++) {
                    int first = thread;
                    runs.add(pool.submit(() -> {
                        int same = 0;
                        for (int r = 0; r < 60; r++) {
                            int i = (first + r) % tokens.length;
                            float[] got = Fused.floats(m.runBlocks(inputs.get(i), new Sequence()));
                            same += java.util.Arrays.equals(got, expected.get(i)) ? 1 : 0;
                        }
                        return same;
                    }));
                }
                for (Future<Integer> run : runs) {
                    assertThat(run.get()).isEqualTo(60);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
