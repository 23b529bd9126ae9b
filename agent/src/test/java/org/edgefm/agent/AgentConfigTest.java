package org.edgefm.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.edgefm.api.EdgeFmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaults_areFilledIn() {
        AgentConfig c = AgentConfig.defaults();
        assertThat(c.fleet()).isEqualTo("default");
        assertThat(c.broker()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(c.telemetryPeriodMs()).isEqualTo(1000);
        assertThat(c.mqttVersion()).isEqualTo("auto");
        assertThat(c.nodeId()).matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
        assertThat(c.dataDir()).endsWith(c.nodeId());
    }

    @Test
    void load_fileWithComments_thenFlagsOverride() throws Exception {
        Path f = dir.resolve("a.json");
        Files.writeString(f, "// device\n{\"nodeId\": \"j1\", \"broker\": \"tcp://10.0.0.1:1883\", \"telemetryPeriodMs\": 250}");
        AgentConfig c = AgentConfig.load(f).withOverrides("tcp://127.0.0.1:1884", null, "lab", null, null, 8080);
        assertThat(c.nodeId()).isEqualTo("j1");
        assertThat(c.broker()).isEqualTo("tcp://127.0.0.1:1884");
        assertThat(c.fleet()).isEqualTo("lab");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.telemetryPeriodMs()).isEqualTo(250);
    }

    @Test
    void load_errors_areOneLineNamingTheFileAndProblem() throws Exception {
        Path f = dir.resolve("b.json");
        Files.writeString(f, "{\"nodeid\": \"j1\"}");
        assertThatThrownBy(() -> AgentConfig.load(f)).isInstanceOf(EdgeFmException.class)
                .hasMessage(f + ": unknown key 'nodeid'");
        Files.writeString(f, "{\"telemetryPeriodMs\": 0}");
        assertThatThrownBy(() -> AgentConfig.load(f)).hasMessage(f + ": telemetryPeriodMs: 0 (expected: > 0)");
        Files.writeString(f, "{\"nodeId\": \"a/b\"}");
        assertThatThrownBy(() -> AgentConfig.load(f)).hasMessageContaining("nodeId: 'a/b'");
        assertThatThrownBy(() -> AgentConfig.load(dir.resolve("missing.json"))).hasMessageEndingWith("missing.json: no such file");
    }

    @Test
    void toString_neverShowsThePassword() throws Exception {
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{\"nodeId\": \"j1\", \"username\": \"j1\", \"password\": \"hunter2-secret\"}");
        AgentConfig c = AgentConfig.load(f);
        assertThat(c.password()).isEqualTo("hunter2-secret");
        assertThat(c.toString()).doesNotContain("hunter2-secret").contains("password=(hidden)");
    }

    @Test
    void linksAndImpairment_defaultsAndFile() throws Exception {
        AgentConfig d = AgentConfig.defaults();
        assertThat(d.links().probeIntervalS()).isEqualTo(5.0);
        assertThat(d.links().probeBytes()).isEqualTo(65_536);
        assertThat(d.links().ewmaWeight()).isEqualTo(0.3);
        assertThat(d.impairment().isNone()).isTrue();
        Path f = dir.resolve("n.json");
        Files.writeString(f, "{\"links\": {\"probeIntervalS\": 0}, \"impairment\": {\"delayMs\": 40, \"lossRate\": 0.01}}");
        AgentConfig c = AgentConfig.load(f);
        assertThat(c.links().probeIntervalS()).isZero();
        assertThat(c.impairment().delayMs()).isEqualTo(40.0);
        assertThat(c.impairment().lossPenaltyMs()).isEqualTo(200.0);
        assertThat(c.impairment().gateFile()).isNull();
        // as edgefm trial writes it for an impairment window
        Files.writeString(f, "{\"impairment\": " + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                AgentConfig.Impairment.parse("delay=40ms").withGateFile("/run/gate")) + "}");
        assertThat(AgentConfig.load(f).impairment().gateFile()).isEqualTo("/run/gate");
        assertThat(AgentConfig.load(f).impairment().delayMs()).isEqualTo(40.0);
        Files.writeString(f, "{\"impairment\": {\"lossRate\": 1.5}}");
        assertThatThrownBy(() -> AgentConfig.load(f)).hasMessage(f + ": impairment.lossRate: 1.5 (expected: in [0, 1))");
        Files.writeString(f, "{\"links\": {\"probeInterval\": 1}}");
        assertThatThrownBy(() -> AgentConfig.load(f)).hasMessage(f + ": unknown key 'probeInterval'");
    }

    @Test
    void impairmentProfile_parsesTcSpellings() {
        AgentConfig.Impairment i = AgentConfig.Impairment.parse("delay=50ms, loss=1%, rate=20mbit");
        assertThat(i.delayMs()).isEqualTo(50.0);
        assertThat(i.lossRate()).isEqualTo(0.01);
        assertThat(i.bandwidthMbps()).isEqualTo(20.0);
        assertThat(i.describe()).isEqualTo("delay=50ms,loss=1%,rate=20mbit");
        assertThat(AgentConfig.Impairment.parse("delay=0.1s,rate=1gbit").describe()).isEqualTo("delay=100ms,rate=1000mbit");
        assertThat(AgentConfig.Impairment.parse("none").isNone()).isTrue();
        assertThatThrownBy(() -> AgentConfig.Impairment.parse("jitter=5ms")).isInstanceOf(EdgeFmException.class)
                .hasMessage("impairment 'jitter=5ms': unknown part 'jitter=5ms' (expected: delay=MS, loss=PCT%, rate=Nmbit)");
        assertThatThrownBy(() -> AgentConfig.Impairment.parse("delay=fast"))
                .hasMessageContaining("'delay=fast' is not a number with a unit");
        assertThatThrownBy(() -> AgentConfig.Impairment.parse("loss=100%"))
                .hasMessage("impairment.lossRate: 1.0 (expected: in [0, 1))");
    }

    @Test
    void sequenceCacheMb_defaultFileAndRange() throws Exception {
        assertThat(AgentConfig.defaults().sequenceCacheMb()).isEqualTo(64);
        assertThat(AgentConfig.defaults().sequenceCacheBytes()).isEqualTo(64L << 20);
        Path f = dir.resolve("kv.json");
        Files.writeString(f, "{\"sequenceCacheMb\": 8}");
        AgentConfig c = AgentConfig.load(f).withTiming(500, false).withNetwork("0.0.0.0", "10.0.0.2", null, null);
        assertThat(c.sequenceCacheBytes()).as("kept by the copies with flags").isEqualTo(8L << 20);
        Files.writeString(f, "{\"sequenceCacheMb\": 0}");
        assertThatThrownBy(() -> AgentConfig.load(f)).isInstanceOf(EdgeFmException.class)
                .hasMessageContaining("sequenceCacheMb: 0 (expected: 1 to 65536 MiB a decoder part)");
    }

}
