package org.edgefm.models.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Sequence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tiny BERT fixture's tokenizer.json, read by the tokenizers library, gives the ids the PyTorch script used. */
class TinyTokenizerTest {
    @Test
    void tinyBertTokenizer_encodesFixtureSentencesToReferenceIds() throws IOException, URISyntaxException {
        Path dir = Path.of(getClass().getResource("/fixtures/bert/tokenizer.json").toURI()).getParent();
        JsonNode ref = new ObjectMapper().readTree(dir.resolve("reference.json").toFile());
        try (TextTokenizer t = TextTokenizer.open(dir.resolve("tokenizer.json"), 32)) {
            for (int i = 0; i < ref.get("sentences").size(); i++) {
                Sequence s = t.encode(ref.get("sentences").get(i).asText());
                int[] want = new ObjectMapper().convertValue(ref.get("ids").get(i), int[].class);
                assertThat(s.ids()).containsExactly(want);
            }
        }
    }

    @Test
    void open_missingOrBrokenFile_oneLineErrorNamingIt(@TempDir Path tmp) throws IOException {
        assertThatThrownBy(() -> TextTokenizer.open(tmp.resolve("nope.json"), 8)).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("nope.json").hasMessageContaining("not found");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"model\": 3}");
        assertThatThrownBy(() -> TextTokenizer.open(bad, 8)).isInstanceOf(EdgeFmException.class).hasMessageContaining("bad.json");
    }
}
