#!/usr/bin/env python3
"""PyTorch side of the model benchmark (see tools/bench-models.sh).

  python3 tools/bench_models.py make DIR          writes DIR/vit-b16: ViT-B/16 shapes (12 layers, 768 wide,
                                                   197 tokens), seeded random weights, safetensors + config.json
  python3 tools/bench_models.py torch THREADS REPS DIR...   times the forward pass of each ViT model folder on
                                                   one image with torch.set_num_threads(THREADS); prints JSON

The forward pass is the one of tools/make_tiny_models.py (Hugging Face ViT: pre-norm, exact GELU).
"""
import json
import math
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from make_tiny_models import save_safetensors  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        dt = {"F32": np.float32, "F16": np.float16}[e["dtype"]]
        out[name] = torch.from_numpy(np.frombuffer(data[b:end], dtype=dt).astype(np.float32).reshape(e["shape"]).copy())
    return out


def make(out):
    d, heads, layers, m, img, p, c = 768, 12, 12, 3072, 224, 16, 3
    n = (img // p) ** 2
    g = torch.Generator().manual_seed(7)
    sd = {"vit.embeddings.cls_token": torch.randn(1, 1, d, generator=g) * 0.02,
          "vit.embeddings.position_embeddings": torch.randn(1, n + 1, d, generator=g) * 0.02,
          "vit.embeddings.patch_embeddings.projection.weight": torch.randn(d, c, p, p, generator=g) * 0.02,
          "vit.embeddings.patch_embeddings.projection.bias": torch.zeros(d)}
    for i in range(layers):
        pre = f"vit.encoder.layer.{i}."
        for nm in ["attention.attention.query", "attention.attention.key", "attention.attention.value", "attention.output.dense"]:
            sd[pre + nm + ".weight"] = torch.randn(d, d, generator=g) * 0.02
            sd[pre + nm + ".bias"] = torch.zeros(d)
        sd[pre + "intermediate.dense.weight"] = torch.randn(m, d, generator=g) * 0.02
        sd[pre + "intermediate.dense.bias"] = torch.zeros(m)
        sd[pre + "output.dense.weight"] = torch.randn(d, m, generator=g) * 0.02
        sd[pre + "output.dense.bias"] = torch.zeros(d)
        for ln in ["layernorm_before", "layernorm_after"]:
            sd[pre + ln + ".weight"] = torch.ones(d)
            sd[pre + ln + ".bias"] = torch.zeros(d)
    sd["vit.layernorm.weight"] = torch.ones(d)
    sd["vit.layernorm.bias"] = torch.zeros(d)
    sd["classifier.weight"] = torch.randn(1000, d, generator=g) * 0.02
    sd["classifier.bias"] = torch.zeros(1000)
    folder = os.path.join(out, "vit-b16")
    os.makedirs(folder, exist_ok=True)
    save_safetensors(os.path.join(folder, "model.safetensors"), sd)
    config = {"model_type": "vit", "hidden_size": d, "num_attention_heads": heads, "num_hidden_layers": layers,
              "intermediate_size": m, "layer_norm_eps": 1e-12, "hidden_act": "gelu", "image_size": img, "patch_size": p,
              "num_channels": c, "id2label": {str(i): f"class-{i}" for i in range(1000)}}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)


def vit_forward(sd, cfg, x):
    d, heads, eps, p = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"], cfg["patch_size"]
    dh = d // heads
    e = F.conv2d(x[None], sd["vit.embeddings.patch_embeddings.projection.weight"],
                 sd["vit.embeddings.patch_embeddings.projection.bias"], stride=p).flatten(2).transpose(1, 2)[0]
    h = torch.cat([sd["vit.embeddings.cls_token"][0], e], 0) + sd["vit.embeddings.position_embeddings"][0]
    t = h.shape[0]
    for i in range(cfg["num_hidden_layers"]):
        pre = f"vit.encoder.layer.{i}."
        a = F.layer_norm(h, (d,), sd[pre + "layernorm_before.weight"], sd[pre + "layernorm_before.bias"], eps)
        q, k, v = (F.linear(a, sd[pre + f"attention.attention.{n}.weight"], sd[pre + f"attention.attention.{n}.bias"])
                   .view(t, heads, dh).transpose(0, 1) for n in ("query", "key", "value"))
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(dh), dim=-1)
        ctx = (att @ v).transpose(0, 1).reshape(t, d)
        h = h + F.linear(ctx, sd[pre + "attention.output.dense.weight"], sd[pre + "attention.output.dense.bias"])
        a = F.layer_norm(h, (d,), sd[pre + "layernorm_after.weight"], sd[pre + "layernorm_after.bias"], eps)
        a = F.gelu(F.linear(a, sd[pre + "intermediate.dense.weight"], sd[pre + "intermediate.dense.bias"]))
        h = h + F.linear(a, sd[pre + "output.dense.weight"], sd[pre + "output.dense.bias"])
    cls = F.layer_norm(h[0:1], (d,), sd["vit.layernorm.weight"], sd["vit.layernorm.bias"], eps)
    return F.linear(cls, sd["classifier.weight"], sd["classifier.bias"])


def bench(threads, reps, dirs):
    torch.set_num_threads(threads)
    results = {}
    for folder in dirs:
        sd = read_safetensors(os.path.join(folder, "model.safetensors"))
        cfg = json.load(open(os.path.join(folder, "config.json")))
        x = torch.randn(cfg["num_channels"], cfg["image_size"], cfg["image_size"], generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            for _ in range(3):
                vit_forward(sd, cfg, x)
            times = []
            c0 = time.thread_time()
            for _ in range(reps):
                t0 = time.perf_counter()
                vit_forward(sd, cfg, x)
                times.append((time.perf_counter() - t0) * 1000)
            # CPU time of this thread per run (all of the work only with one thread)
            cpu = (time.thread_time() - c0) * 1000 / reps
        times.sort()
        results[os.path.basename(os.path.normpath(folder))] = {"medianMs": times[len(times) // 2], "minMs": times[0],
                                                               "cpuMs": cpu}
    print(json.dumps({"engine": "pytorch " + torch.__version__, "threads": threads, "models": results}))


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        bench(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:])
