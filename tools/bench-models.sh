#!/usr/bin/env bash
# Model benchmark: ND4J (EdgeFM's model families) against PyTorch on the CPU, same machine, same
# thread count, one run. Needs Debian's python3-torch and python3-numpy (apt-get install
# python3-torch python3-numpy), which CI does not install.
#
#   tools/bench-models.sh [THREADS] [REPS]
#
# Writes a ViT-B/16-shaped model (12 layers x 768, 197 tokens, seeded random weights, 346 MB) to a
# temporary folder, then times the tiny ViT fixture and ViT-B/16 end to end on one image in both
# engines, and one ND4J block against its matrix products alone and against the unfused reference
# block. Wall time (median) and the calling thread's CPU time (mean); with THREADS=1 the CPU time is
# the whole work and hardly moves with the machine's load.
set -euo pipefail
threads=${1:-2}
reps=${2:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/edgefm-bench-models.XXXXXX")
trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
"$py" "$root/tools/bench_models.py" make "$work"
models=("$root/models/src/test/resources/fixtures/vit" "$work/vit-b16")
# one reactor run: the last module written is models, whose classpath (test scope: the CPU backend) is kept
(cd "$root" && mvn -B -q -DskipTests -pl models -am package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt")
cp="$root/models/target/classes:$(cat "$work/cp.txt")"
export OMP_NUM_THREADS=$threads OPENBLAS_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE
java -Xmx3g -cp "$cp" org.edgefm.models.bench.ModelBench "$reps" "${models[@]}" 2>/dev/null | tail -1 > "$work/nd4j.json"
"$py" "$root/tools/bench_models.py" torch "$threads" "$reps" "${models[@]}" > "$work/torch.json"
"$py" - "$work/nd4j.json" "$work/torch.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); t = json.load(open(sys.argv[2]))
print(f"threads {t['threads']}; {j['engine']} vs {t['engine']}; median of the runs, ms")
print(f"{'model':10} {'tokens':>6} {'nd4j e2e':>9} {'torch e2e':>9} {'ratio':>6} {'block':>8} {'gemms':>8} {'ratio':>6}"
      f" {'unfused':>8}")
for name, r in j["models"].items():
    te = t["models"][name]["medianMs"]
    print(f"{name:10} {r['tokens']:>6} {r['endToEndMs']:>9.2f} {te:>9.2f} {r['endToEndMs']/te:>6.2f} "
          f"{r['blockMs']:>8.3f} {r['blockGemmsMs']:>8.3f} {r['blockOverGemms']:>6.2f} {r['blockUnfusedMs']:>8.3f}")
print("CPU time of the calling thread per run, ms (the whole work only with THREADS=1; steady under load)")
print(f"{'model':10} {'nd4j e2e':>9} {'torch e2e':>9} {'ratio':>6} {'block':>8} {'gemms':>8} {'ratio':>6}")
for name, r in j["models"].items():
    tc = t["models"][name]["cpuMs"]
    print(f"{name:10} {r['endToEndCpuMs']:>9.2f} {tc:>9.2f} {r['endToEndCpuMs']/tc:>6.2f} "
          f"{r['blockCpuMs']:>8.3f} {r['blockGemmsCpuMs']:>8.3f} {r['blockCpuMs']/r['blockGemmsCpuMs']:>6.2f}")
PY
