package org.edgefm.agent.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void backoff_doublesFromMin_isCappedAtMax_andJittersByTwentyPercent() {
        assertThat(MqttLinkVerticle.backoffMs(0, 500, 30_000, 0.5)).isEqualTo(500);
        assertThat(MqttLinkVerticle.backoffMs(1, 500, 30_000, 0.5)).isEqualTo(1000);
        assertThat(MqttLinkVerticle.backoffMs(3, 500, 30_000, 0.5)).isEqualTo(4000);
        assertThat(MqttLinkVerticle.backoffMs(6, 500, 30_000, 0.5)).isEqualTo(30_000);
        assertThat(MqttLinkVerticle.backoffMs(1000, 500, 30_000, 0.5)).isEqualTo(30_000);
        assertThat(MqttLinkVerticle.backoffMs(2, 500, 30_000, 0.0)).isEqualTo(1600);
        assertThat(MqttLinkVerticle.backoffMs(2, 500, 30_000, 0.999)).isEqualTo(2399);
    }
}
