package org.edgefm.trial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.edgefm.trial.report.ReportWriter;
import org.edgefm.wire.TaskAnswer;
import org.edgefm.wire.TaskCompletion;
import org.junit.jupiter.api.Test;

/** The share of real-model answers equal to the monolithic model's, in the console, summary.json and the report. */
class AgreementTest {

    static TaskCompletion done(String id, String type, TaskAnswer answer, boolean success) {
        return new TaskCompletion(id, type, "n1", 1000, 1200, 2000, success, success ? null : "boom", List.of(), answer);
    }

    @Test
    void countsAnsweredTasks_aMissingAnswerDisagrees_failedTasksAreNotAnswers() throws Exception {
        Agreement a = new Agreement();
        a.taskType("retrieve", "minilm");
        a.taskType("classify", "tiny-vit");
        a.expect("t1", "retrieve", new TaskAnswer("doc one", 0.8));
        a.expect("t2", "retrieve", new TaskAnswer("doc two", 0.7));
        a.expect("t3", "classify", new TaskAnswer("cat", 0.4));
        a.expect("t4", "classify", new TaskAnswer("dog", 0.5));
        a.expect("t5", "classify", new TaskAnswer("dog", 0.5));
        a.expect("t6", "classify", new TaskAnswer("dog", 0.5));
        a.withdraw("t6"); // refused by its agent: never sent
        a.observe(done("t1", "retrieve", new TaskAnswer("doc one", 0.8004), true));
        a.observe(done("t2", "retrieve", new TaskAnswer("doc three", 0.9), true));
        a.observe(done("t3", "classify", new TaskAnswer("cat", 0.4), true));
        a.observe(done("t4", "classify", null, true));
        a.observe(done("t5", "classify", null, false));
        a.observe(done("t9", "classify", new TaskAnswer("cat", 0.4), true)); // not a task this trial expects
        assertThat(a.answered()).isEqualTo(4);
        assertThat(a.agreed()).isEqualTo(2);
        assertThat(a.rate()).isEqualTo(0.5);
        assertThat(a.maxScoreDelta()).isCloseTo(4e-4, org.assertj.core.data.Offset.offset(1e-9));

        StringWriter s = new StringWriter();
        a.print(new PrintWriter(s, true));
        assertThat(s.toString()).contains("agreement with the monolithic model: 50.0 % (2 of 4 answers")
                .contains("task t2 (retrieve): answered 'doc three', the whole model 'doc two'")
                .contains("task t4 (classify): answered nothing");

        ObjectNode root = (ObjectNode) new ObjectMapper().readTree("{\"scenario\": \"real-models\", \"onTimeRate\": 1.0}");
        a.addTo(root);
        assertThat(root.get("onTimeRate").asDouble()).isEqualTo(1.0); // the summary's own fields stay
        assertThat(root.at("/agreement/rate").asDouble()).isEqualTo(0.5);
        assertThat(root.at("/agreement/taskTypes/classify/sent").asLong()).isEqualTo(3);
        assertThat(root.at("/agreement/taskTypes/classify/agreed").asLong()).isEqualTo(1);

        ReportWriter base = new ReportWriter("t");
        base.table("Summary", List.of("x"), List.of(List.of("1")));
        base.paragraph("after");
        ReportWriter page = a.insertInto(base, "t");
        assertThat(page.sections()).extracting(ReportWriter.Section::title).startsWith("Summary", "Agreement with the monolithic model");
        assertThat(page.html()).contains("50.0 %");
    }

    @Test
    void speed_splitMedianOfAnsweredTasks_nextToTheWholeModelsTime() throws Exception {
        Agreement a = new Agreement();
        a.taskType("retrieve", "minilm");
        a.wholeModelMs("retrieve", 40.0);
        long[] latencies = {300, 100, 200, 900};
        for (int i = 0; i < latencies.length; i++) {
            a.expect("t" + i, "retrieve", new TaskAnswer("doc", 0.5));
            a.observe(new TaskCompletion("t" + i, "retrieve", "n1", 1000, 1000 + latencies[i], 2000, i != 3, i != 3 ? null : "late",
                    List.of(), new TaskAnswer("doc", 0.5)));
        }
        assertThat(a.splitMedianMs("retrieve")).isEqualTo(200.0); // the failed task (900 ms) is not an answer
        StringWriter s = new StringWriter();
        a.print(new PrintWriter(s, true));
        assertThat(s.toString()).contains("speed retrieve     split across agents 200.0 ms per answer")
                .contains("whole model in one process 40.0 ms per input").contains(": 5.00x");
        ObjectNode root = new ObjectMapper().createObjectNode();
        a.addTo(root);
        assertThat(root.at("/agreement/taskTypes/retrieve/splitMedianMs").asDouble()).isEqualTo(200.0);
        assertThat(root.at("/agreement/taskTypes/retrieve/wholeModelMedianMs").asDouble()).isEqualTo(40.0);
    }

    @Test
    void withoutRealModels_nothingIsAdded() throws Exception {
        Agreement a = new Agreement();
        StringWriter s = new StringWriter();
        a.print(new PrintWriter(s, true));
        assertThat(s.toString()).isEmpty();
        ObjectNode root = (ObjectNode) new ObjectMapper().readTree("{\"scenario\": \"trial-lab\"}");
        a.addTo(root);
        assertThat(root.toString()).doesNotContain("agreement");
        ReportWriter base = new ReportWriter("t");
        assertThat(a.insertInto(base, "t")).isSameAs(base);
    }
}
