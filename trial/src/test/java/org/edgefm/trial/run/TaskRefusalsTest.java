package org.edgefm.trial.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The trial's line for a task its origin agent did not accept. */
class TaskRefusalsTest {
    @Test
    void aRealConnectionRefusal_saysItCouldNotConnect_andPointsAtTheAnnouncedAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String ep = "127.0.0.1:" + port;
        Throwable failure = null;
        try {
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .sendAsync(HttpRequest.newBuilder(URI.create("http://" + ep + "/v1/tasks/vqa?id=t1"))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                    .join();
        } catch (CompletionException e) {
            failure = e;
        }
        assertThat(failure).isNotNull();
        String line = TaskRefusals.line("t1-cam-1-x", "cam-board", ep, -1, null, failure);
        assertThat(line).startsWith("task t1-cam-1-x not accepted by cam-board (http://" + ep + "): could not connect")
                .contains("--advertise");
    }

    @Test
    void anAnswerOtherThan202_saysTheStatusAndTheStartOfTheAgentsError() {
        String line = TaskRefusals.line("t2", "cam-board", "10.0.0.1:8080", 401, "{\"error\": \"no data token:\n send it\"}", null);
        assertThat(line).isEqualTo("task t2 not accepted by cam-board (http://10.0.0.1:8080): HTTP 401 {\"error\": \"no data token: send it\"}");
        assertThat(TaskRefusals.line("t3", "a", "e:1", 500, "x".repeat(1000), null)).hasSizeLessThan(300).endsWith("...");
        assertThat(TaskRefusals.line("t4", "a", "e:1", -1, null, new ConnectException()))
                .endsWith("check the agent's --advertise address)");
    }

    @Test
    void everyRefusalIsCounted() {
        TaskRefusals r = new TaskRefusals();
        for (int i = 0; i < 5; i++) {
            r.refused("t" + i, "a", "e:1", 404, "{}", null);
        }
        assertThat(r.count()).isEqualTo(5);
    }
}
