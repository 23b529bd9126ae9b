package org.edgefm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Flag checks of {@code edgefm trial} that fail before anything starts, and its exit codes (the runner's parts: {@code TrialRunnerTest}). */
class TrialCommandTest extends CliTestBase {
    @Test
    void brokerAccountsWithoutBroker_isMisuseExit2() throws Exception {
        Path f = Files.writeString(dir.resolve("accounts.txt"), "edgefm-host:x\n");
        assertThat(run("trial", "--broker-accounts", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--broker-accounts: needs --broker");
    }

    @Test
    void brokerAccountsMalformedLine_namesFileAndLine_exit1() throws Exception {
        Path f = Files.writeString(dir.resolve("accounts.txt"), "# accounts\nedgefm-host:x\nagx-orin\n");
        assertThat(run("trial", "--agents", "1", "--broker", "tcp://127.0.0.1:1", "--broker-accounts", f.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).endsWith("--broker-accounts " + f + " line 3: expected USER:PASSWORD");
    }

    @Test
    void brokerAccountsMissingFile_exit1() {
        Path f = dir.resolve("none.txt");
        assertThat(run("trial", "--broker", "tcp://127.0.0.1:1", "--broker-accounts", f.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).endsWith("--broker-accounts " + f + ": no such file");
    }

    @Test
    void modelDir_ofAnUnsupportedModel_failsInOneLine_exit1_andItsFlagsAreChecked_exit2() throws Exception {
        Path model = Files.createDirectories(dir.resolve("t5-small"));
        Files.writeString(model.resolve("config.json"), "{\"model_type\": \"t5\", \"architectures\": [\"T5ForConditionalGeneration\"]}");
        assertThat(run("trial", "--model-dir", model.toString())).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("edgefm trial: " + model.resolve("config.json") + ": model_type 't5'"
                + " (T5ForConditionalGeneration) is not a supported family (expected one of vit, clip, bert, gpt2, llama)");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--model-dir", model.toString(), "--scenario", "real-models")).isEqualTo(2);
        assertThat(err.toString()).contains("holds a model (config.json): it makes its own scenario");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--cut", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--cut: only with --model-dir and a model folder");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--labels", "cat,dog")).isEqualTo(2);
        assertThat(err.toString()).contains("--labels: only with --model-dir and a CLIP model folder");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--images", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--images: " + dir.resolve("none") + " is not a folder");
    }

    @Test
    void existingFleet_withoutBroker_isMisuseExit2() {
        assertThat(run("trial", "--agents", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--agents 0 drives agents that already run: name their broker (--broker URL)");
    }

    @Test
    void existingAndAgents_excludeEachOther_andWaitForNeedsAnExistingFleet_exit2() {
        assertThat(run("trial", "--existing", "--agents", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--existing and --agents 2 exclude each other");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--wait-for", "2")).isEqualTo(2);
        assertThat(err.toString()).contains("--wait-for: only with --agents 0 (--existing)");
        err.getBuffer().setLength(0);
        assertThat(run("trial", "--existing", "--broker", "tcp://127.0.0.1:1", "--broker-port", "1883")).isEqualTo(2);
        assertThat(err.toString()).contains("--broker excludes --broker-port and --bind");
    }

    @Test
    void existingFleet_noAgentComes_failsNamingWhoIsMissing_exit1() throws Exception {
        int port = org.edgefm.trial.run.TrialRunner.freePort();
        assertThat(run("trial", "--existing", "--broker-port", String.valueOf(port), "--fleet", "nobody-here",
                "--wait-for", "1", "--wait-timeout", "2s", "--out", dir.resolve("run").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("fleet nobody-here: 0 of 1 agent(s) online after")
                .contains("missing: agx-orin, orin-nx, edge-l4, orin-nano (pinned by scenario trial-lab)")
                .contains("check that each agent runs with --broker tcp://127.0.0.1:" + port + " --fleet nobody-here");
    }

    @Test
    void existingFleet_hostConfigWithAccounts_theWaitNamesWhoIsMissing() throws Exception {
        Path accounts = Files.writeString(dir.resolve("accounts.txt"), "jetson-1:"
                + org.edgefm.host.broker.Credentials.hash("pw-of-jetson-1".toCharArray()) + "\n");
        int port = org.edgefm.trial.run.TrialRunner.freePort();
        Path cfg = Files.writeString(dir.resolve("host.json"), "{\"credentialsFile\": \"" + accounts + "\", \"brokerPort\": "
                + port + "}");
        assertThat(run("trial", "--existing", "--host-config", cfg.toString(), "--fleet", "lab", "--wait-for", "1",
                "--wait-timeout", "2s", "--out", dir.resolve("run").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("fleet lab: 0 of 1 agent(s) online after")
                .contains("--broker tcp://127.0.0.1:" + port + " --fleet lab");
    }


    @Test
    void modelDirNotAFolder_isMisuseExit2() {
        assertThat(run("trial", "--model-dir", dir.resolve("none").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--model-dir: " + dir.resolve("none") + " is not a folder");
    }


    @Test
    void outFolderNotEmpty_isRefusedWithOneLine_exit2() throws Exception {
        Path taken = Files.createDirectories(dir.resolve("run"));
        Files.writeString(taken.resolve("summary.json"), "{}");
        assertThat(run("trial", "--out", taken.toString(), "--duration", "1s")).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("trial: --out " + taken + ": exists and is not an empty folder (choose a new one)");
        assertThat(out.toString()).isEmpty();
        assertThat(taken.resolve("host.log")).doesNotExist();
    }

    @Test
    void parseImpair_badWindow_isMisuseExit2() {
        assertThat(run("trial", "--impair", "delay=40ms@40s-20s")).isEqualTo(2);
        assertThat(err.toString()).contains("--impair: impairment 'delay=40ms@40s-20s': window '40s-20s' ends before it starts");
    }

    @Test
    void impairOfANodeWithoutAnAgent_isMisuseExit2() {
        assertThat(run("trial", "--scenario", "trial-lab-slow-link", "--agents", "2", "--impair", "edge-l4:delay=400ms"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--impair edge-l4:delay=400ms: node edge-l4 runs no agent in this trial"
                + " (its agents: agx-orin, orin-nx)");
    }


    @Test
    void progressIntervalTooShort_isMisuseExit2() {
        assertThat(run("trial", "--progress-interval", "10ms")).isEqualTo(2);
        assertThat(err.toString()).contains("--progress-interval: '10ms'");
    }

    @Test
    void warmupAndReadyTimeout_badValues_areMisuseExit2() {
        assertThat(run("trial", "--warmup", "later")).isEqualTo(2);
        assertThat(err.toString()).contains("--warmup: 'later' (expected: wait or separate)");
        assertThat(run("trial", "--ready-timeout", "soon")).isEqualTo(2);
        assertThat(err.toString()).contains("--ready-timeout: 'soon'");
    }

    @Test
    void newTokens_outOfRangeOrNotANumber_isMisuseExit2() {
        assertThat(run("trial", "--new-tokens", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--new-tokens: 0 (expected: 1 to 256)");
        assertThat(run("trial", "--new-tokens", "257", "--stop-at-eos")).isEqualTo(2);
        assertThat(err.toString()).contains("--new-tokens: 257 (expected: 1 to 256)");
        assertThat(run("trial", "--new-tokens", "many")).isEqualTo(2);
        assertThat(err.toString()).contains("--new-tokens").contains("'many'");
    }

    @Test
    void sampling_badValues_areMisuseExit2WithOneLine() {
        assertThat(run("trial", "--top-k", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--top-k: 0 (expected: >= 1; 1 is greedy)");
        assertThat(run("trial", "--top-k", "5", "--temperature", "0")).isEqualTo(2);
        assertThat(err.toString()).contains("--temperature: 0.0 (expected: > 0)");
        assertThat(run("trial", "--top-k", "5", "--temperature", "-1.5")).isEqualTo(2);
        assertThat(err.toString()).contains("--temperature: -1.5 (expected: > 0)");
        assertThat(run("trial", "--temperature", "0.7")).isEqualTo(2);
        assertThat(err.toString()).contains("--temperature: given with greedy decoding (expected: --top-k K with K > 1 too)");
        assertThat(run("trial", "--top-k", "1", "--sample-seed", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--sample-seed: given with greedy decoding (expected: --top-k K with K > 1 too)");
        assertThat(run("trial", "--top-k", "many")).isEqualTo(2);
        assertThat(err.toString()).contains("--top-k").contains("'many'");
        assertThat(run("trial", "--sample-seed", "x", "--top-k", "3")).isEqualTo(2);
        assertThat(err.toString()).contains("--sample-seed").contains("'x'").doesNotContain("Exception");
    }
}
