#!/usr/bin/env python3
"""Builds tiny models of each family EdgeFM runs, with fixed seeds, and their reference outputs.

Independent reference for the Java implementation in the `models` module: every forward pass here
is written with PyTorch from the families' published definitions (Hugging Face transformers'
modelling code), not from the Java code. Run by hand (not by CI) with Debian's python3-torch and
python3-numpy:

    python3 tools/make_tiny_models.py models/src/test/resources/fixtures

For each family it writes a folder with:
  config.json           Hugging Face style hyper-parameters (the keys the Java loader reads)
  model.safetensors     weights under their usual hub names (written by hand below when the
                        `safetensors` package is absent); gpt2 in F16, llama in BF16, others F32
  reference.safetensors inputs and reference outputs (F32; token ids as I32)
  reference.json        token ids, greedy tokens, labels
  tokenizer.json        (bert only) a small WordPiece tokenizer in the tokenizers-library format
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
DT = {torch.float32: ("F32", np.float32), torch.int32: ("I32", np.int32)}


def to_bytes(t, dtype):
    t = t.detach().contiguous()
    if dtype == "F32":
        return t.to(torch.float32).numpy().astype("<f4").tobytes()
    if dtype == "F16":
        return t.to(torch.float16).numpy().astype("<f2").tobytes()
    if dtype == "BF16":
        bits = t.to(torch.float32).numpy().astype("<f4").view("<u4")
        # round to nearest even, as torch's bfloat16 cast does
        rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")
        return rounded.tobytes()
    if dtype == "I32":
        return t.to(torch.int32).numpy().astype("<i4").tobytes()
    raise ValueError(dtype)


def save_safetensors(path, tensors, dtype_of=lambda name: "F32", metadata=None):
    """The safetensors layout: u64 LE header length, JSON header padded with spaces to 8 bytes, data."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name]
        dt = dtype_of(name) if t.is_floating_point() else "I32"
        b = to_bytes(t, dt)
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def roundtrip(t, dtype):
    """The weight as the Java side will see it after reading the stored dtype."""
    if dtype == "F16":
        return t.to(torch.float16).to(torch.float32)
    if dtype == "BF16":
        return t.to(torch.bfloat16).to(torch.float32)
    return t


def rand(gen, *shape, scale=0.08):
    return torch.randn(*shape, generator=gen) * scale


def ln_params(gen, d):
    return 1.0 + rand(gen, d, scale=0.1), rand(gen, d, scale=0.05)


def linear(w, b, x):
    return F.linear(x, w, b)


def mha(x_q, x_kv, W, heads, kv_heads, mask=None, rope=None):
    """W: dict with q,k,v,o weights ([out,in]) and biases (may be None)."""
    t, d = x_q.shape
    s = x_kv.shape[0]
    dh = d // heads
    q = linear(W["q"], W.get("qb"), x_q).view(t, heads, dh).transpose(0, 1)
    k = linear(W["k"], W.get("kb"), x_kv).view(s, kv_heads, dh).transpose(0, 1)
    v = linear(W["v"], W.get("vb"), x_kv).view(s, kv_heads, dh).transpose(0, 1)
    if rope is not None:
        q, k = rope(q), rope(k)
    if kv_heads != heads:
        k = k.repeat_interleave(heads // kv_heads, dim=0)
        v = v.repeat_interleave(heads // kv_heads, dim=0)
    att = q @ k.transpose(1, 2) / math.sqrt(dh)
    if mask is not None:
        att = att + mask
    att = torch.softmax(att, dim=-1)
    ctx = (att @ v).transpose(0, 1).reshape(t, d)
    return linear(W["o"], W.get("ob"), ctx)


def causal(t):
    return torch.triu(torch.full((t, t), float("-inf")), diagonal=1)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


# ------------------------------------------------------------------ encoder blocks (HF names)

def make_attn(gen, sd, pre, names, d):
    W = {}
    for key, nm in zip(["q", "k", "v", "o"], names):
        sd[pre + nm + ".weight"] = rand(gen, d, d)
        sd[pre + nm + ".bias"] = rand(gen, d, scale=0.02)
        W[key] = sd[pre + nm + ".weight"]
        W[key + "b"] = sd[pre + nm + ".bias"]
    return W


def save_family(out, name, config, sd, refs, ref_json, dtype_of=lambda n: "F32", tokenizer=None):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=1, sort_keys=True)
    save_safetensors(os.path.join(folder, "model.safetensors"), sd, dtype_of, {"format": "pt"})
    save_safetensors(os.path.join(folder, "reference.safetensors"), refs)
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(ref_json, f, indent=1, sort_keys=True)
    if tokenizer is not None:
        with open(os.path.join(folder, "tokenizer.json"), "w") as f:
            json.dump(tokenizer, f, indent=1)
    print(name, os.path.getsize(os.path.join(folder, "model.safetensors")), "bytes of weights")


def vision_inputs(gen, c, s):
    return torch.randn(c, s, s, generator=gen)


def vit(out):
    gen = torch.Generator().manual_seed(1001)
    d, heads, L, m, img, p, c, labels = 64, 4, 2, 128, 32, 8, 3, ["cat", "dog", "car", "tree", "cup"]
    n = (img // p) ** 2
    eps = 1e-12
    sd = {}
    sd["vit.embeddings.cls_token"] = rand(gen, 1, 1, d)
    sd["vit.embeddings.position_embeddings"] = rand(gen, 1, n + 1, d)
    sd["vit.embeddings.patch_embeddings.projection.weight"] = rand(gen, d, c, p, p)
    sd["vit.embeddings.patch_embeddings.projection.bias"] = rand(gen, d, scale=0.02)
    blocks = []
    for i in range(L):
        pre = f"vit.encoder.layer.{i}."
        g1, b1 = ln_params(gen, d)
        g2, b2 = ln_params(gen, d)
        sd[pre + "layernorm_before.weight"], sd[pre + "layernorm_before.bias"] = g1, b1
        sd[pre + "layernorm_after.weight"], sd[pre + "layernorm_after.bias"] = g2, b2
        W = make_attn(gen, sd, pre, ["attention.attention.query", "attention.attention.key", "attention.attention.value",
                                     "attention.output.dense"], d)
        sd[pre + "intermediate.dense.weight"] = rand(gen, m, d)
        sd[pre + "intermediate.dense.bias"] = rand(gen, m, scale=0.02)
        sd[pre + "output.dense.weight"] = rand(gen, d, m)
        sd[pre + "output.dense.bias"] = rand(gen, d, scale=0.02)
        blocks.append((pre, W))
    sd["vit.layernorm.weight"], sd["vit.layernorm.bias"] = ln_params(gen, d)
    sd["classifier.weight"] = rand(gen, len(labels), d, scale=0.3)
    sd["classifier.bias"] = rand(gen, len(labels), scale=0.02)

    x = vision_inputs(torch.Generator().manual_seed(2001), c, img)
    e = F.conv2d(x[None], sd["vit.embeddings.patch_embeddings.projection.weight"],
                 sd["vit.embeddings.patch_embeddings.projection.bias"], stride=p)  # [1, d, g, g]
    e = e.flatten(2).transpose(1, 2)[0]
    h = torch.cat([sd["vit.embeddings.cls_token"][0], e], 0) + sd["vit.embeddings.position_embeddings"][0]
    refs = {"input.image": x, "hidden.0": h}
    for i, (pre, W) in enumerate(blocks):
        a = F.layer_norm(h, (d,), sd[pre + "layernorm_before.weight"], sd[pre + "layernorm_before.bias"], eps)
        h = h + mha(a, a, W, heads, heads)
        a = F.layer_norm(h, (d,), sd[pre + "layernorm_after.weight"], sd[pre + "layernorm_after.bias"], eps)
        a = F.gelu(linear(sd[pre + "intermediate.dense.weight"], sd[pre + "intermediate.dense.bias"], a))
        h = h + linear(sd[pre + "output.dense.weight"], sd[pre + "output.dense.bias"], a)
        refs[f"hidden.{i + 1}"] = h
    cls = F.layer_norm(h[0:1], (d,), sd["vit.layernorm.weight"], sd["vit.layernorm.bias"], eps)
    logits = linear(sd["classifier.weight"], sd["classifier.bias"], cls)
    refs["output"] = logits
    config = {"model_type": "vit", "hidden_size": d, "num_attention_heads": heads, "num_hidden_layers": L,
              "intermediate_size": m, "layer_norm_eps": eps, "hidden_act": "gelu", "image_size": img, "patch_size": p,
              "num_channels": c, "id2label": {str(i): l for i, l in enumerate(labels)},
              "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}
    top = int(torch.argmax(logits))
    save_family(out, "vit", config, sd, refs, {"top_label": labels[top], "labels": labels})


def clip(out):
    gen = torch.Generator().manual_seed(1002)
    d, heads, L, m, img, p, c, proj = 64, 4, 2, 128, 32, 8, 3, 32
    vocab, maxpos = 100, 16
    n = (img // p) ** 2
    eps = 1e-5
    sd = {}
    V = "vision_model."
    sd[V + "embeddings.class_embedding"] = rand(gen, d)
    sd[V + "embeddings.patch_embedding.weight"] = rand(gen, d, c, p, p)
    sd[V + "embeddings.position_embedding.weight"] = rand(gen, n + 1, d)
    sd[V + "pre_layrnorm.weight"], sd[V + "pre_layrnorm.bias"] = ln_params(gen, d)
    T = "text_model."
    sd[T + "embeddings.token_embedding.weight"] = rand(gen, vocab, d, scale=0.3)
    sd[T + "embeddings.position_embedding.weight"] = rand(gen, maxpos, d)
    towers = {}
    for tower in (V, T):
        bl = []
        for i in range(L):
            pre = f"{tower}encoder.layers.{i}."
            sd[pre + "layer_norm1.weight"], sd[pre + "layer_norm1.bias"] = ln_params(gen, d)
            sd[pre + "layer_norm2.weight"], sd[pre + "layer_norm2.bias"] = ln_params(gen, d)
            W = make_attn(gen, sd, pre, ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj"], d)
            sd[pre + "mlp.fc1.weight"] = rand(gen, m, d)
            sd[pre + "mlp.fc1.bias"] = rand(gen, m, scale=0.02)
            sd[pre + "mlp.fc2.weight"] = rand(gen, d, m)
            sd[pre + "mlp.fc2.bias"] = rand(gen, d, scale=0.02)
            bl.append((pre, W))
        towers[tower] = bl
    sd[V + "post_layernorm.weight"], sd[V + "post_layernorm.bias"] = ln_params(gen, d)
    sd[T + "final_layer_norm.weight"], sd[T + "final_layer_norm.bias"] = ln_params(gen, d)
    sd["visual_projection.weight"] = rand(gen, proj, d, scale=0.2)
    sd["text_projection.weight"] = rand(gen, proj, d, scale=0.2)
    sd["logit_scale"] = torch.tensor(math.log(1 / 0.07))

    def block(h, pre, W, mask):
        a = F.layer_norm(h, (d,), sd[pre + "layer_norm1.weight"], sd[pre + "layer_norm1.bias"], eps)
        h = h + mha(a, a, W, heads, heads, mask)
        a = F.layer_norm(h, (d,), sd[pre + "layer_norm2.weight"], sd[pre + "layer_norm2.bias"], eps)
        a = quick_gelu(linear(sd[pre + "mlp.fc1.weight"], sd[pre + "mlp.fc1.bias"], a))
        return h + linear(sd[pre + "mlp.fc2.weight"], sd[pre + "mlp.fc2.bias"], a)

    refs = {}
    x = vision_inputs(torch.Generator().manual_seed(2002), c, img)
    e = F.conv2d(x[None], sd[V + "embeddings.patch_embedding.weight"], None, stride=p).flatten(2).transpose(1, 2)[0]
    h = torch.cat([sd[V + "embeddings.class_embedding"][None], e], 0) + sd[V + "embeddings.position_embedding.weight"]
    h = F.layer_norm(h, (d,), sd[V + "pre_layrnorm.weight"], sd[V + "pre_layrnorm.bias"], eps)
    refs["input.image"] = x
    refs["vision.hidden.0"] = h
    for i, (pre, W) in enumerate(towers[V]):
        h = block(h, pre, W, None)
        refs[f"vision.hidden.{i + 1}"] = h
    pooled = F.layer_norm(h[0:1], (d,), sd[V + "post_layernorm.weight"], sd[V + "post_layernorm.bias"], eps)
    image_emb = pooled @ sd["visual_projection.weight"].T
    refs["vision.output"] = image_emb

    eos = vocab - 1
    prompts = [[1, 17, 42, 8, eos], [1, 55, 23, eos], [1, 71, 9, 64, 30, eos]]
    labels = ["a photo of a cat", "a photo of a dog", "a photo of a car"]
    text_embs = []
    for j, ids in enumerate(prompts):
        t = len(ids)
        h = sd[T + "embeddings.token_embedding.weight"][ids] + sd[T + "embeddings.position_embedding.weight"][:t]
        for i, (pre, W) in enumerate(towers[T]):
            h = block(h, pre, W, causal(t))
            if j == 0:
                refs[f"text.hidden.{i + 1}"] = h
        h = F.layer_norm(h, (d,), sd[T + "final_layer_norm.weight"], sd[T + "final_layer_norm.bias"], eps)
        pooled = h[ids.index(eos)][None]
        te = pooled @ sd["text_projection.weight"].T
        refs[f"text.output.{j}"] = te
        text_embs.append(te[0])
    ie = F.normalize(image_emb[0], dim=0)
    te = F.normalize(torch.stack(text_embs), dim=1)
    probs = torch.softmax(sd["logit_scale"].exp() * te @ ie, dim=0)
    refs["zero_shot.probs"] = probs
    config = {"model_type": "clip", "projection_dim": proj,
              "vision_config": {"hidden_size": d, "num_attention_heads": heads, "num_hidden_layers": L,
                                "intermediate_size": m, "layer_norm_eps": eps, "hidden_act": "quick_gelu",
                                "image_size": img, "patch_size": p, "num_channels": c},
              "text_config": {"hidden_size": d, "num_attention_heads": heads, "num_hidden_layers": L,
                              "intermediate_size": m, "layer_norm_eps": eps, "hidden_act": "quick_gelu",
                              "vocab_size": vocab, "max_position_embeddings": maxpos, "eos_token_id": eos}}
    save_family(out, "clip", config, sd, refs, {"prompts": prompts, "labels": labels,
                                                 "top_label": labels[int(torch.argmax(probs))]})


def wordpiece_tokenizer(words):
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    for w in words:
        vocab.setdefault(w, len(vocab))
    return vocab, {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": [
            {"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
             "special": True} for t, i in list(vocab.items())[:4]],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                                    {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                              "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab}}


def bert(out):
    gen = torch.Generator().manual_seed(1003)
    words = ("the a cat dog sat on mat car road red blue small big runs fast slow tree green house "
             "is was and of to in ##s ##ing ##ed . , !").split()
    vocab_map, tok = wordpiece_tokenizer(words)
    d, heads, L, m, vocab, maxpos, types = 64, 4, 2, 128, 64, 32, 2
    eps = 1e-12
    sd = {}
    P = "bert."
    sd[P + "embeddings.word_embeddings.weight"] = rand(gen, vocab, d, scale=0.3)
    sd[P + "embeddings.position_embeddings.weight"] = rand(gen, maxpos, d, scale=0.1)
    sd[P + "embeddings.token_type_embeddings.weight"] = rand(gen, types, d, scale=0.1)
    sd[P + "embeddings.LayerNorm.weight"], sd[P + "embeddings.LayerNorm.bias"] = ln_params(gen, d)
    blocks = []
    for i in range(L):
        pre = f"{P}encoder.layer.{i}."
        W = make_attn(gen, sd, pre, ["attention.self.query", "attention.self.key", "attention.self.value",
                                     "attention.output.dense"], d)
        sd[pre + "attention.output.LayerNorm.weight"], sd[pre + "attention.output.LayerNorm.bias"] = ln_params(gen, d)
        sd[pre + "intermediate.dense.weight"] = rand(gen, m, d)
        sd[pre + "intermediate.dense.bias"] = rand(gen, m, scale=0.02)
        sd[pre + "output.dense.weight"] = rand(gen, d, m)
        sd[pre + "output.dense.bias"] = rand(gen, d, scale=0.02)
        sd[pre + "output.LayerNorm.weight"], sd[pre + "output.LayerNorm.bias"] = ln_params(gen, d)
        blocks.append((pre, W))
    sd[P + "pooler.dense.weight"] = rand(gen, d, d)
    sd[P + "pooler.dense.bias"] = rand(gen, d, scale=0.02)

    def encode(sentence):
        ids = [2]
        for w in sentence.lower().replace(".", " .").split():
            ids.append(vocab_map.get(w, 1))
        return ids + [3]

    sentences = ["the cat sat on the mat .", "a red car runs fast", "the small green tree"]
    refs = {}
    all_ids = []
    for j, s in enumerate(sentences):
        ids = encode(s)
        all_ids.append(ids)
        t = len(ids)
        h = (sd[P + "embeddings.word_embeddings.weight"][ids] + sd[P + "embeddings.position_embeddings.weight"][:t]
             + sd[P + "embeddings.token_type_embeddings.weight"][[0] * t])
        h = F.layer_norm(h, (d,), sd[P + "embeddings.LayerNorm.weight"], sd[P + "embeddings.LayerNorm.bias"], eps)
        if j == 0:
            refs["hidden.0"] = h
        for i, (pre, W) in enumerate(blocks):
            a = h + mha(h, h, W, heads, heads)
            h = F.layer_norm(a, (d,), sd[pre + "attention.output.LayerNorm.weight"], sd[pre + "attention.output.LayerNorm.bias"], eps)
            a = F.gelu(linear(sd[pre + "intermediate.dense.weight"], sd[pre + "intermediate.dense.bias"], h))
            a = linear(sd[pre + "output.dense.weight"], sd[pre + "output.dense.bias"], a) + h
            h = F.layer_norm(a, (d,), sd[pre + "output.LayerNorm.weight"], sd[pre + "output.LayerNorm.bias"], eps)
            if j == 0:
                refs[f"hidden.{i + 1}"] = h
        refs[f"output.mean.{j}"] = h.mean(0, keepdim=True)
        refs[f"output.pooler.{j}"] = torch.tanh(linear(sd[P + "pooler.dense.weight"], sd[P + "pooler.dense.bias"], h[0:1]))
    config = {"model_type": "bert", "hidden_size": d, "num_attention_heads": heads, "num_hidden_layers": L,
              "intermediate_size": m, "layer_norm_eps": eps, "hidden_act": "gelu", "vocab_size": vocab,
              "max_position_embeddings": maxpos, "type_vocab_size": types}
    save_family(out, "bert", config, sd, refs, {"sentences": sentences, "ids": all_ids}, tokenizer=tok)


def gpt2(out):
    gen = torch.Generator().manual_seed(1004)
    d, heads, L, vocab, maxpos = 64, 4, 2, 96, 32
    m = 4 * d
    eps = 1e-5
    sd = {}
    sd["wte.weight"] = rand(gen, vocab, d, scale=0.3)
    sd["wpe.weight"] = rand(gen, maxpos, d, scale=0.1)
    for i in range(L):
        pre = f"h.{i}."
        sd[pre + "ln_1.weight"], sd[pre + "ln_1.bias"] = ln_params(gen, d)
        sd[pre + "ln_2.weight"], sd[pre + "ln_2.bias"] = ln_params(gen, d)
        sd[pre + "attn.c_attn.weight"] = rand(gen, d, 3 * d, scale=0.15)   # Conv1D: [in, out]
        sd[pre + "attn.c_attn.bias"] = rand(gen, 3 * d, scale=0.02)
        sd[pre + "attn.c_proj.weight"] = rand(gen, d, d)
        sd[pre + "attn.c_proj.bias"] = rand(gen, d, scale=0.02)
        sd[pre + "mlp.c_fc.weight"] = rand(gen, d, m)
        sd[pre + "mlp.c_fc.bias"] = rand(gen, m, scale=0.02)
        sd[pre + "mlp.c_proj.weight"] = rand(gen, m, d)
        sd[pre + "mlp.c_proj.bias"] = rand(gen, d, scale=0.02)
        sd[pre + "attn.bias"] = torch.tril(torch.ones(maxpos, maxpos))[None, None]  # stale mask buffer, as in real files
    sd["ln_f.weight"], sd["ln_f.bias"] = ln_params(gen, d)
    dtype_of = lambda n: "F16"
    w = {k: roundtrip(v, "F16") for k, v in sd.items()}

    def forward(ids):
        t = len(ids)
        h = w["wte.weight"][ids] + w["wpe.weight"][:t]
        hid = [h]
        for i in range(L):
            pre = f"h.{i}."
            a = F.layer_norm(h, (d,), w[pre + "ln_1.weight"], w[pre + "ln_1.bias"], eps)
            qkv = a @ w[pre + "attn.c_attn.weight"] + w[pre + "attn.c_attn.bias"]
            q, k, v = qkv.split(d, dim=1)
            W = {"q": torch.eye(d), "k": torch.eye(d), "v": torch.eye(d), "o": w[pre + "attn.c_proj.weight"].T,
                 "ob": w[pre + "attn.c_proj.bias"]}
            dh = d // heads
            qh, kh, vh = (z.view(t, heads, dh).transpose(0, 1) for z in (q, k, v))
            att = torch.softmax(qh @ kh.transpose(1, 2) / math.sqrt(dh) + causal(t), dim=-1)
            ctx = (att @ vh).transpose(0, 1).reshape(t, d)
            h = h + ctx @ w[pre + "attn.c_proj.weight"] + w[pre + "attn.c_proj.bias"]
            a = F.layer_norm(h, (d,), w[pre + "ln_2.weight"], w[pre + "ln_2.bias"], eps)
            a = gelu_new(a @ w[pre + "mlp.c_fc.weight"] + w[pre + "mlp.c_fc.bias"])
            h = h + a @ w[pre + "mlp.c_proj.weight"] + w[pre + "mlp.c_proj.bias"]
            hid.append(h)
        h = F.layer_norm(h, (d,), w["ln_f.weight"], w["ln_f.bias"], eps)
        return h @ w["wte.weight"].T, hid

    decode_family(out, "gpt2", forward, sd, dtype_of, vocab,
                  {"model_type": "gpt2", "n_embd": d, "n_head": heads, "n_layer": L, "n_positions": maxpos,
                   "vocab_size": vocab, "layer_norm_epsilon": eps, "activation_function": "gelu_new",
                   "tie_word_embeddings": True})


def llama(out):
    gen = torch.Generator().manual_seed(1005)
    d, heads, kv, L, m, vocab, maxpos, theta = 64, 4, 2, 2, 160, 96, 64, 10000.0
    dh = d // heads
    eps = 1e-6
    sd = {}
    P = "model."
    sd[P + "embed_tokens.weight"] = rand(gen, vocab, d, scale=0.3)
    for i in range(L):
        pre = f"{P}layers.{i}."
        sd[pre + "input_layernorm.weight"] = 1.0 + rand(gen, d, scale=0.1)
        sd[pre + "post_attention_layernorm.weight"] = 1.0 + rand(gen, d, scale=0.1)
        sd[pre + "self_attn.q_proj.weight"] = rand(gen, d, d, scale=0.15)
        sd[pre + "self_attn.k_proj.weight"] = rand(gen, kv * dh, d, scale=0.15)
        sd[pre + "self_attn.v_proj.weight"] = rand(gen, kv * dh, d)
        sd[pre + "self_attn.o_proj.weight"] = rand(gen, d, d)
        sd[pre + "mlp.gate_proj.weight"] = rand(gen, m, d)
        sd[pre + "mlp.up_proj.weight"] = rand(gen, m, d)
        sd[pre + "mlp.down_proj.weight"] = rand(gen, d, m)
    sd[P + "norm.weight"] = 1.0 + rand(gen, d, scale=0.1)
    sd["lm_head.weight"] = rand(gen, vocab, d, scale=0.3)
    dtype_of = lambda n: "BF16"
    w = {k: roundtrip(v, "BF16") for k, v in sd.items()}

    def rms(x, g):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g

    inv_freq = 1.0 / (theta ** (torch.arange(0, dh, 2).float() / dh))

    def rope_for(t):
        pos = torch.arange(t).float()
        freqs = torch.outer(pos, inv_freq)
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos(), emb.sin()

        def apply(x):  # x [H, T, dh], rotate-half as HF Llama
            x1, x2 = x[..., : dh // 2], x[..., dh // 2:]
            return x * cos + torch.cat([-x2, x1], dim=-1) * sin
        return apply

    def forward(ids):
        t = len(ids)
        h = w[P + "embed_tokens.weight"][ids]
        hid = [h]
        for i in range(L):
            pre = f"{P}layers.{i}."
            a = rms(h, w[pre + "input_layernorm.weight"])
            W = {"q": w[pre + "self_attn.q_proj.weight"], "k": w[pre + "self_attn.k_proj.weight"],
                 "v": w[pre + "self_attn.v_proj.weight"], "o": w[pre + "self_attn.o_proj.weight"]}
            h = h + mha(a, a, W, heads, kv, causal(t), rope_for(t))
            a = rms(h, w[pre + "post_attention_layernorm.weight"])
            a = F.silu(F.linear(a, w[pre + "mlp.gate_proj.weight"])) * F.linear(a, w[pre + "mlp.up_proj.weight"])
            h = h + F.linear(a, w[pre + "mlp.down_proj.weight"])
            hid.append(h)
        return F.linear(rms(h, w[P + "norm.weight"]), w["lm_head.weight"]), hid

    decode_family(out, "llama", forward, sd, dtype_of, vocab,
                  {"model_type": "llama", "hidden_size": d, "num_attention_heads": heads, "num_key_value_heads": kv,
                   "num_hidden_layers": L, "intermediate_size": m, "vocab_size": vocab, "max_position_embeddings": maxpos,
                   "rms_norm_eps": eps, "hidden_act": "silu", "rope_theta": theta, "tie_word_embeddings": False})


def decode_family(out, name, forward, sd, dtype_of, vocab, config):
    prompt = [5, 17, 42, 8, 61]
    logits, hid = forward(prompt)
    refs = {"prompt.logits": logits}
    for i, h in enumerate(hid):
        refs[f"hidden.{i}"] = h
    # greedy decoding by re-running the whole sequence each step (no cache: an independent path)
    ids = list(prompt)
    for _ in range(10):
        lg, _ = forward(ids)
        ids.append(int(torch.argmax(lg[-1])))
    full, _ = forward(ids)
    refs["full.logits"] = full
    save_family(out, name, config, sd, refs, {"prompt": prompt, "greedy": ids[len(prompt):]}, dtype_of)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "models/src/test/resources/fixtures"
    os.makedirs(out, exist_ok=True)
    vit(out)
    clip(out)
    bert(out)
    gpt2(out)
    llama(out)


if __name__ == "__main__":
    main()
