package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.edgefm.agent.AgentConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ShaperTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static AgentConfig.Impairment impair(String profile) {
        return AgentConfig.Impairment.parse(profile);
    }

    @Test
    void none_neverWaits() {
        Shaper s = new Shaper(AgentConfig.Impairment.none(), 1);
        assertThat(s.waitMs(1 << 20, 0)).isZero();
        assertThat(s.beforeSend(vertx, 1 << 20).succeeded()).isTrue();
    }

    @Test
    void delay_isAddedToEverySend() {
        Shaper s = new Shaper(impair("delay=40ms"), 1);
        assertThat(s.waitMs(0, 1000)).isEqualTo(40.0);
        assertThat(s.waitMs(1 << 20, 1000)).isEqualTo(40.0);
    }

    @Test
    void rateCap_queuesSendsBehindEachOther() {
        Shaper s = new Shaper(impair("rate=8mbit"), 1);
        // 8 Mbit/s = 1 byte/µs: 100 kB take 100 ms, and a second send at the same instant waits for the first
        assertThat(s.waitMs(100_000, 0)).isEqualTo(100.0);
        assertThat(s.waitMs(100_000, 0)).isEqualTo(200.0);
        assertThat(s.waitMs(100_000, 1000)).isEqualTo(100.0);
    }

    @Test
    void loss_addsTheRetransmissionWaitToAboutTheStatedShare() {
        Shaper s = new Shaper(impair("loss=10%"), 42);
        int lost = 0;
        for (int i = 0; i < 10_000; i++) {
            double w = s.waitMs(0, i);
            assertThat(w).isIn(0.0, 200.0);
            lost += w > 0 ? 1 : 0;
        }
        assertThat(lost).isBetween(800, 1200);
    }

    @Test
    void beforeSend_takesAtLeastTheClaimedDelayAndKeepsOrder() throws Exception {
        // 5 sends of 25 kB at 10 Mbit/s behind 30 ms of delay: the last may go no sooner than 30 + 5 × 20 ms
        Shaper s = new Shaper(impair("delay=30ms,rate=10mbit"), 1);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        long t0 = System.nanoTime();
        List<Future<Void>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            all.add(s.beforeSend(vertx, 25_000).onSuccess(v -> order.add(n)));
        }
        Future.all(all).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        double elapsedMs = (System.nanoTime() - t0) / 1e6;
        assertThat(elapsedMs).isGreaterThanOrEqualTo(129.0);
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void gateFile_impairsOnlyWhileTheFileExists_lookedForEvery100Ms() throws Exception {
        Path gate = Files.createTempFile("shaper-gate", "");
        Files.delete(gate);
        try {
            Shaper s = new Shaper(impair("delay=40ms").withGateFile(gate.toString()), 1);
            assertThat(s.waitMs(0, 1000)).isZero();
            Files.writeString(gate, "on");
            assertThat(s.waitMs(0, 1050)).as("not looked for again yet").isZero();
            assertThat(s.waitMs(0, 1100)).isEqualTo(40.0);
            Files.delete(gate);
            assertThat(s.waitMs(0, 1200)).isZero();
        } finally {
            Files.deleteIfExists(gate);
        }
    }
}
