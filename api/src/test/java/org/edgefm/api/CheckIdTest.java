package org.edgefm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Check#id} and {@link Check#nodeId} accept exactly what their documented patterns match. */
class CheckIdTest {
    @Test
    void idChecks_agreeWithThePatterns_onRandomStrings() {
        Random r = new Random(11);
        String alphabet = "aZ09._-/+# \u00e9";
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(70); k > 0; k--) {
                sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String s = i % 10 == 0 ? "a".repeat(60 + r.nextInt(8)) : sb.toString();
            assertThat(accepts(() -> Check.id(s, "f"))).as("id '%s'", s).isEqualTo(Check.ID.matcher(s).matches());
            assertThat(accepts(() -> Check.nodeId(s, "f"))).as("node id '%s'", s).isEqualTo(Check.NODE_ID.matcher(s).matches());
            accepted += Check.ID.matcher(s).matches() ? 1 : 0;
        }
        assertThat(accepted).isGreaterThan(200);
        assertThatThrownBy(() -> Check.id("a/b", "node")).hasMessageContaining("MQTT separator");
    }

    private static boolean accepts(Runnable check) {
        try {
            check.run();
            return true;
        } catch (InvalidFieldException e) {
            return false;
        }
    }
}
