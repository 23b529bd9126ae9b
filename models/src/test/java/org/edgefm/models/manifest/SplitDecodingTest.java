package org.edgefm.models.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.edgefm.models.References;
import org.edgefm.models.family.Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-token generation over a decoder cut into three core parts, each keeping its key/value cache
 * per sequence id ({@link PartRunner#decode}): the greedy tokens equal PyTorch's (tools/make_hf_models.py,
 * full-sequence forward passes, no cache), also when a part is replaced by a fresh instance in the
 * middle of a sequence (the sender replays the sequence, counted) and when the caches' byte limit drops
 * sequences between steps (evictions counted, each dropped sequence replayed).
 */
class SplitDecodingTest {
    record Split(List<PartRunner> parts, ModelManifest manifest, JsonNode reference) {
        SplitDecoding decoding() {
            return new SplitDecoding(parts.stream().map(p -> (SplitDecoding.Hop) p::decode).toList());
        }

        int[] prompt(int j) {
            return ints(reference.get("ids").get(j));
        }

        int[] greedy(int j) {
            return ints(reference.get("greedy").get(j));
        }
    }

    static Split split(String name, Path tmp) throws IOException {
        Path dir = References.folder("hf", name);
        ModelManifest m = ModelManifest.load(ModelFolder.open(dir, null).write(tmp, "3", "fp32", null));
        List<PartRunner> parts = new ArrayList<>();
        for (ModelManifest.PartSpec p : m.parts()) {
            if (p.role() == ModelManifest.Role.MODEL) {
                parts.add(PartRunner.load(m, p.id()));
            }
        }
        assertThat(parts).hasSize(3);
        return new Split(parts, m, References.reference(dir));
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    @Test
    void gpt2_threeParts_eachWithItsSequenceCache_generatesThePyTorchTokens_oneTokenPerStep(@TempDir Path tmp) throws IOException {
        Split s = split("gpt2", tmp);
        SplitDecoding d = s.decoding();
        for (int j = 0; j < 2; j++) {
            int[] greedy = s.greedy(j);
            assertThat(d.generate("seq-" + j, s.prompt(j), greedy.length, Generator.Sampling.greedy(), -1, null))
                    .as("greedy tokens of prompt %d", j).containsExactly(greedy);
        }
        assertThat(d.replays()).isZero();
        for (PartRunner p : s.parts()) {
            SequenceCache.Stats st = p.sequenceStats();
            assertThat(st.starts()).as(p.spec().id()).isEqualTo(2); // each sequence's prompt once
            assertThat(st.hits()).as(p.spec().id()).isEqualTo(2 * 7); // then one token a step: 8 tokens, 7 steps after the prompt
            assertThat(st.misses()).isZero();
            assertThat(st.sequences()).isEqualTo(2);
            // the cache holds each sequence's tokens so far (prompt + 7 fed back) in this part's blocks
            long tokens = s.prompt(0).length + 7 + s.prompt(1).length + 7;
            assertThat(st.bytes()).isEqualTo(tokens * p.bytesPerToken());
        }
        s.parts().get(1).endSequence("seq-0");
        assertThat(s.parts().get(1).sequenceStats().sequences()).isEqualTo(1);
    }

    @Test
    void llama_aCorePartFailedOverMidSequence_theSequenceIsReplayed_andTheTokensAreUnchanged(@TempDir Path tmp) throws IOException {
        Split s = split("llama", tmp);
        SplitDecoding d = s.decoding();
        String failedOver = s.parts().get(1).spec().id();
        PartRunner[] fresh = new PartRunner[1];
        int[] greedy = s.greedy(1);
        int[] got = d.generate("seq-1", s.prompt(1), greedy.length, Generator.Sampling.greedy(), -1, n -> {
            if (n == 3) { // the middle part's node is lost after the third token: a fresh instance elsewhere
                fresh[0] = PartRunner.load(s.manifest(), failedOver);
                d.replace(1, fresh[0]::decode);
            }
        });
        assertThat(got).containsExactly(greedy);
        assertThat(d.replays()).isEqualTo(1);
        assertThat(fresh[0].sequenceStats().misses()).isEqualTo(1); // the new node said it had never seen the sequence
        assertThat(fresh[0].sequenceStats().starts()).isEqualTo(1); // and took the replay
        assertThat(s.parts().get(0).sequenceStats().starts()).isEqualTo(2); // the first part began it again
    }

    @Test
    void gpt2_cachesBoundedInBytes_evictedSequencesAreReplayed_andStillGiveThePyTorchTokens(@TempDir Path tmp) throws IOException {
        Split s = split("gpt2", tmp);
        // room for one sequence of up to 16 tokens in each part: two interleaved sequences evict each other
        for (PartRunner p : s.parts()) {
            p.useSequenceCache(16 * p.bytesPerToken());
        }
        SplitDecoding d = s.decoding();
        int[][] got = new int[2][];
        SplitDecoding other = s.decoding();
        int[] g0 = s.greedy(0);
        int[] g1 = s.greedy(1);
        got[0] = d.generate("a", s.prompt(0), g0.length, Generator.Sampling.greedy(), -1, n -> {
            if (n == 4) { // another generation runs through the same parts meanwhile
                got[1] = other.generate("b", s.prompt(1), g1.length, Generator.Sampling.greedy(), -1, null);
            }
        });
        assertThat(got[0]).containsExactly(g0);
        assertThat(got[1]).containsExactly(g1);
        assertThat(d.replays()).isEqualTo(1); // "a" was dropped while "b" ran
        for (PartRunner p : s.parts()) {
            SequenceCache.Stats st = p.sequenceStats();
            assertThat(st.evictions()).as(p.spec().id()).isPositive();
            assertThat(st.bytes()).isLessThanOrEqualTo(16 * p.bytesPerToken());
        }
    }

    @Test
    void aStepThatSkipsTokens_isAMissNamingTheSequenceAndPart(@TempDir Path tmp) throws IOException {
        Split s = split("gpt2", tmp);
        PartRunner first = s.parts().get(0);
        first.decode("x", 0, Nd4j.create(new float[] {1, 2, 3}, new long[] {1, 3}, 'c'));
        assertThatThrownBy(() -> first.decode("x", 5, Nd4j.create(new float[] {4}, new long[] {1, 1}, 'c')))
                .isInstanceOf(SequenceCache.Miss.class)
                .hasMessage("key/value cache miss: sequence 'x': part '" + first.spec().id() + "' holds 3 tokens of it, the step starts at token 5 (expected: a"
                        + " replay from token 0)");
        assertThatThrownBy(() -> first.decode("never", 2, Nd4j.create(new float[] {4}, new long[] {1, 1}, 'c')))
                .hasMessageContaining("holds no tokens of it");
        assertThat(first.sequenceStats().misses()).isEqualTo(2);
    }
}
