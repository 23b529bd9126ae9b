#!/usr/bin/env python3
"""Builds tiny models in the Hugging Face folder layout, as a user would download them, with reference outputs.

What EdgeFM's `--model-dir` is tested on: folders that nothing in EdgeFM wrote by hand for EdgeFM. Each
folder holds what `save_pretrained` writes for the model class named in its config: a `config.json`
with every key transformers writes for that class (`architectures`, dropouts, `torch_dtype`, ...),
`model.safetensors` under the class's tensor names (or shards with `model.safetensors.index.json`),
including the buffers older transformers versions saved (`position_ids`, GPT-2's causal-mask `attn.bias`),
and for text models a `tokenizer.json` in the tokenizers-library format (WordPiece for BERT, byte-level
BPE with merges for GPT-2 and Llama) with `tokenizer_config.json` and `special_tokens_map.json`.
The shapes differ from tools/make_tiny_models.py (3 blocks, width 48, 6 or 4 heads, grouped-query
attention), so the hyper-parameters are really read from the config.

Run by hand (not by CI) with Debian's python3-torch and python3-numpy:

    python3 tools/make_hf_models.py models/src/test/resources/hf

Each folder also gets (outside what a hub ships, prefixed `reference.`):
  reference.safetensors  the inputs (pixels or token ids) and PyTorch's outputs
  reference.json         texts, their token ids as this script's own tokenizer gives them, greedy tokens, labels
The forward passes are written here with PyTorch from the published model definitions (transformers'
modelling code), reusing only the small primitives (linear, attention, GELU forms) of make_tiny_models.py.
"""
import json
import math
import os
import re
import struct
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_tiny_models import causal, gelu_new, linear, mha, quick_gelu  # noqa: E402

torch.set_num_threads(1)
TRANSFORMERS = "4.40.0"


def rand(gen, *shape, scale=0.08):
    return torch.randn(*shape, generator=gen) * scale


def ln(gen, d):
    return 1.0 + rand(gen, d, scale=0.1), rand(gen, d, scale=0.05)


def tensor_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.int64:
        return "I64", t.numpy().astype("<i8").tobytes()
    if t.dtype == torch.int32:
        return "I32", t.numpy().astype("<i4").tobytes()
    return "F32", t.to(torch.float32).numpy().astype("<f4").tobytes()


def save_safetensors(path, tensors, metadata=None):
    """The safetensors layout as the reference writer lays it out: u64 LE header size, JSON header padded to 8, data."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        dt, b = tensor_bytes(tensors[name])
        header[name] = {"dtype": dt, "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(b)]}
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
    return offset


def write_json(folder, name, obj):
    with open(os.path.join(folder, name), "w") as f:
        json.dump(obj, f, indent=2, sort_keys=True)
        f.write("\n")


def save_folder(out, name, config, sd, refs, ref_json, shards=1):
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        os.remove(os.path.join(folder, f)) if os.path.isfile(os.path.join(folder, f)) else None
    config = dict(config, torch_dtype="float32", transformers_version=TRANSFORMERS)
    write_json(folder, "config.json", config)
    if shards == 1:
        save_safetensors(os.path.join(folder, "model.safetensors"), sd, {"format": "pt"})
    else:
        names = sorted(sd)
        per = math.ceil(len(names) / shards)
        weight_map, total = {}, 0
        for i in range(shards):
            file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
            part = {n: sd[n] for n in names[i * per:(i + 1) * per]}
            total += save_safetensors(os.path.join(folder, file), part, {"format": "pt"})
            weight_map.update({n: file for n in part})
        write_json(folder, "model.safetensors.index.json", {"metadata": {"total_size": total}, "weight_map": weight_map})
    save_safetensors(os.path.join(folder, "reference.safetensors"), refs)
    write_json(folder, "reference.json", ref_json)
    size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    print(f"{name}: {size} bytes")
    return folder


# ------------------------------------------------------------------ ViT (ViTForImageClassification)

def vit(out):
    gen = torch.Generator().manual_seed(3001)
    d, heads, L, m, img, p, c = 48, 6, 3, 96, 24, 8, 3
    labels = ["ant", "bee", "cow", "doe"]
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    n = (img // p) ** 2
    eps = 1e-12
    P = "vit."
    sd = {P + "embeddings.cls_token": rand(gen, 1, 1, d), P + "embeddings.position_embeddings": rand(gen, 1, n + 1, d),
          P + "embeddings.patch_embeddings.projection.weight": rand(gen, d, c, p, p),
          P + "embeddings.patch_embeddings.projection.bias": rand(gen, d, scale=0.02)}
    for i in range(L):
        pre = f"{P}encoder.layer.{i}."
        for nm in ["attention.attention.query", "attention.attention.key", "attention.attention.value", "attention.output.dense"]:
            sd[pre + nm + ".weight"], sd[pre + nm + ".bias"] = rand(gen, d, d), rand(gen, d, scale=0.02)
        sd[pre + "intermediate.dense.weight"], sd[pre + "intermediate.dense.bias"] = rand(gen, m, d), rand(gen, m, scale=0.02)
        sd[pre + "output.dense.weight"], sd[pre + "output.dense.bias"] = rand(gen, d, m), rand(gen, d, scale=0.02)
        sd[pre + "layernorm_before.weight"], sd[pre + "layernorm_before.bias"] = ln(gen, d)
        sd[pre + "layernorm_after.weight"], sd[pre + "layernorm_after.bias"] = ln(gen, d)
    sd[P + "layernorm.weight"], sd[P + "layernorm.bias"] = ln(gen, d)
    sd["classifier.weight"], sd["classifier.bias"] = rand(gen, len(labels), d, scale=0.3), rand(gen, len(labels), scale=0.02)

    x = torch.randn(c, img, img, generator=torch.Generator().manual_seed(4001))
    e = F.conv2d(x[None], sd[P + "embeddings.patch_embeddings.projection.weight"],
                 sd[P + "embeddings.patch_embeddings.projection.bias"], stride=p).flatten(2).transpose(1, 2)[0]
    h = torch.cat([sd[P + "embeddings.cls_token"][0], e], 0) + sd[P + "embeddings.position_embeddings"][0]
    for i in range(L):
        pre = f"{P}encoder.layer.{i}."
        W = {k: sd[pre + nm + ".weight"] for k, nm in zip("qkvo", ["attention.attention.query", "attention.attention.key",
                                                                  "attention.attention.value", "attention.output.dense"])}
        W.update({k + "b": sd[pre + nm + ".bias"] for k, nm in zip("qkvo", ["attention.attention.query", "attention.attention.key",
                                                                           "attention.attention.value", "attention.output.dense"])})
        a = F.layer_norm(h, (d,), sd[pre + "layernorm_before.weight"], sd[pre + "layernorm_before.bias"], eps)
        h = h + mha(a, a, W, heads, heads)
        a = F.layer_norm(h, (d,), sd[pre + "layernorm_after.weight"], sd[pre + "layernorm_after.bias"], eps)
        a = F.gelu(linear(sd[pre + "intermediate.dense.weight"], sd[pre + "intermediate.dense.bias"], a))
        h = h + linear(sd[pre + "output.dense.weight"], sd[pre + "output.dense.bias"], a)
    cls = F.layer_norm(h[0:1], (d,), sd[P + "layernorm.weight"], sd[P + "layernorm.bias"], eps)
    logits = linear(sd["classifier.weight"], sd["classifier.bias"], cls)
    config = {"architectures": ["ViTForImageClassification"], "attention_probs_dropout_prob": 0.0, "encoder_stride": 16,
              "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "hidden_size": d,
              "id2label": {str(i): lb for i, lb in enumerate(labels)}, "image_size": img, "initializer_range": 0.02,
              "intermediate_size": m, "label2id": {lb: i for i, lb in enumerate(labels)}, "layer_norm_eps": eps,
              "model_type": "vit", "num_attention_heads": heads, "num_channels": c, "num_hidden_layers": L,
              "patch_size": p, "problem_type": "single_label_classification", "qkv_bias": True}
    folder = save_folder(out, "vit", config, sd, {"input.pixels": x, "output.logits": logits},
                         {"labels": labels, "top_label": labels[int(torch.argmax(logits))]})
    write_json(folder, "preprocessor_config.json", {
        "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": mean, "image_processor_type": "ViTImageProcessor",
        "image_std": std, "resample": 2, "rescale_factor": 0.00392156862745098, "size": {"height": img, "width": img}})


# ------------------------------------------------------------------ BERT (BertModel, sentence-transformers folder)

def wordpiece(words):
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4}
    for w in words:
        vocab.setdefault(w, len(vocab))
    special = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
               for t, i in vocab.items() if t.startswith("[")]
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
           "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True, "strip_accents": None,
                          "lowercase": True},
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
           "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                     "vocab": vocab}}
    return vocab, tok


def bert(out):
    gen = torch.Generator().manual_seed(3002)
    words = ("the a an train bus cat dog oven bread museum router button sun water invoice match rain city park "
             "leaves opens bake hold reset pay when where how what is does do to at on in of for and ##s ##ing ##ed "
             "? . ,").split()
    vocab, tok = wordpiece(words)
    V = len(vocab) + 3  # a few unused rows, as real vocabularies have
    d, heads, L, m, maxpos, types, eps = 48, 4, 3, 96, 64, 2, 1e-12
    sd = {"embeddings.word_embeddings.weight": rand(gen, V, d, scale=0.3),
          "embeddings.position_embeddings.weight": rand(gen, maxpos, d, scale=0.1),
          "embeddings.token_type_embeddings.weight": rand(gen, types, d, scale=0.1),
          "embeddings.position_ids": torch.arange(maxpos, dtype=torch.int64)[None]}  # a buffer older versions saved
    sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"] = ln(gen, d)
    names = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]
    for i in range(L):
        pre = f"encoder.layer.{i}."
        for nm in names:
            sd[pre + nm + ".weight"], sd[pre + nm + ".bias"] = rand(gen, d, d), rand(gen, d, scale=0.02)
        sd[pre + "attention.output.LayerNorm.weight"], sd[pre + "attention.output.LayerNorm.bias"] = ln(gen, d)
        sd[pre + "intermediate.dense.weight"], sd[pre + "intermediate.dense.bias"] = rand(gen, m, d), rand(gen, m, scale=0.02)
        sd[pre + "output.dense.weight"], sd[pre + "output.dense.bias"] = rand(gen, d, m), rand(gen, d, scale=0.02)
        sd[pre + "output.LayerNorm.weight"], sd[pre + "output.LayerNorm.bias"] = ln(gen, d)
    sd["pooler.dense.weight"], sd["pooler.dense.bias"] = rand(gen, d, d), rand(gen, d, scale=0.02)

    def encode(text):  # BertNormalizer (lower case) + BertPreTokenizer (split on spaces and punctuation) + WordPiece
        ids = [2]
        for w in text.lower().replace("?", " ? ").replace(".", " . ").replace(",", " , ").split():
            if w in vocab:
                ids.append(vocab[w])
            elif w.endswith("s") and w[:-1] in vocab:
                ids += [vocab[w[:-1]], vocab["##s"]]
            else:
                ids.append(1)
        return ids + [3]

    def forward(ids):
        t = len(ids)
        h = (sd["embeddings.word_embeddings.weight"][ids] + sd["embeddings.position_embeddings.weight"][:t]
             + sd["embeddings.token_type_embeddings.weight"][[0] * t])
        h = F.layer_norm(h, (d,), sd["embeddings.LayerNorm.weight"], sd["embeddings.LayerNorm.bias"], eps)
        for i in range(L):
            pre = f"encoder.layer.{i}."
            W = {k: sd[pre + nm + ".weight"] for k, nm in zip("qkvo", names)}
            W.update({k + "b": sd[pre + nm + ".bias"] for k, nm in zip("qkvo", names)})
            h = F.layer_norm(h + mha(h, h, W, heads, heads), (d,), sd[pre + "attention.output.LayerNorm.weight"],
                             sd[pre + "attention.output.LayerNorm.bias"], eps)
            a = F.gelu(linear(sd[pre + "intermediate.dense.weight"], sd[pre + "intermediate.dense.bias"], h))
            h = F.layer_norm(linear(sd[pre + "output.dense.weight"], sd[pre + "output.dense.bias"], a) + h, (d,),
                             sd[pre + "output.LayerNorm.weight"], sd[pre + "output.LayerNorm.bias"], eps)
        return h.mean(0, keepdim=True)  # sentence-transformers mean pooling (no padding)

    texts = ["When does the train leave?", "How to bake bread in the oven", "Reset the router button"]
    refs, ids_all = {}, []
    for j, s in enumerate(texts):
        ids = encode(s)
        ids_all.append(ids)
        refs[f"input.ids.{j}"] = torch.tensor(ids, dtype=torch.int32)
        refs[f"output.embedding.{j}"] = forward(ids)
    config = {"architectures": ["BertModel"], "attention_probs_dropout_prob": 0.1, "classifier_dropout": None,
              "gradient_checkpointing": False, "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": d,
              "initializer_range": 0.02, "intermediate_size": m, "layer_norm_eps": eps, "max_position_embeddings": maxpos,
              "model_type": "bert", "num_attention_heads": heads, "num_hidden_layers": L, "pad_token_id": 0,
              "position_embedding_type": "absolute", "type_vocab_size": types, "use_cache": True, "vocab_size": V}
    folder = save_folder(out, "bert", config, sd, refs, {"texts": texts, "ids": ids_all})
    write_json(folder, "tokenizer.json", tok)
    write_json(folder, "tokenizer_config.json", {"clean_up_tokenization_spaces": True, "cls_token": "[CLS]", "do_lower_case": True,
                                                 "mask_token": "[MASK]", "model_max_length": maxpos, "pad_token": "[PAD]",
                                                 "sep_token": "[SEP]", "tokenizer_class": "BertTokenizer", "unk_token": "[UNK]"})
    write_json(folder, "special_tokens_map.json", {"cls_token": "[CLS]", "mask_token": "[MASK]", "pad_token": "[PAD]",
                                                   "sep_token": "[SEP]", "unk_token": "[UNK]"})
    write_json(folder, "modules.json", [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                                        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])
    os.makedirs(os.path.join(folder, "1_Pooling"), exist_ok=True)
    write_json(os.path.join(folder, "1_Pooling"), "config.json", {
        "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_mean_tokens": True, "word_embedding_dimension": d})


# ------------------------------------------------------------------ byte-level BPE (GPT-2, Llama 3 style)

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


MERGES = ["Ġ t", "h e", "Ġt he", "i n", "Ġ a", "e r", "o n", "Ġ o", "a t", "Ġ w", "Ġ s", "e n", "Ġ b", "o u", "Ġw h", "r e",
          "Ġ c", "Ġ i", "Ġ m", "Ġ d"]


def byte_bpe(specials, bos=None):
    b2u = bytes_to_unicode()
    vocab = {}
    for b in range(256):
        vocab[b2u[b]] = len(vocab)
    for mg in MERGES:
        a, b = mg.split(" ")
        vocab.setdefault(a + b, len(vocab))
    added = []
    for s in specials:
        vocab[s] = len(vocab)
        added.append({"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
                      "special": True})
    post = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}
    if bos is not None:
        post = {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": bos, "type_id": 0}},
                                                         {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {bos: {"id": bos, "ids": [vocab[bos]], "tokens": [bos]}}}
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
           "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
           "post_processor": post,
           "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
           "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "", "end_of_word_suffix": "",
                     "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": MERGES}}

    def encode(text):  # GPT-2's pre-tokeniser on lower-case words and spaces: " ?[a-z]+", then merges by rank
        ids = [vocab[bos]] if bos is not None else []
        words, cur = [], ""
        for ch in text:
            if ch == " " and cur:
                words.append(cur)
                cur = ch
            elif ch.isalpha() or (ch == " " and not cur):
                cur += ch
            else:
                raise ValueError("prompts here are lower-case words and single spaces: " + repr(text))
        words.append(cur)
        ranks = {tuple(mg.split(" ")): r for r, mg in enumerate(MERGES)}
        for w in words:
            parts = [b2u[b] for b in w.encode("utf-8")]
            while True:
                pairs = [(ranks.get((parts[i], parts[i + 1]), 1 << 30), i) for i in range(len(parts) - 1)]
                if not pairs or min(pairs)[0] == 1 << 30:
                    break
                _, i = min(pairs)
                parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
            ids += [vocab[p] for p in parts]
        return ids

    return vocab, tok, encode


def greedy(forward, ids, n):
    ids = list(ids)
    for _ in range(n):  # the whole sequence again each step: no cache, an independent path
        ids.append(int(torch.argmax(forward(ids)[-1])))
    return ids


# ------------------------------------------------------------------ GPT-2 (GPT2LMHeadModel)

def gpt2(out):
    gen = torch.Generator().manual_seed(3003)
    vocab, tok, encode = byte_bpe(["<|endoftext|>"])
    V = len(vocab)
    d, heads, L, maxpos, eps = 48, 4, 3, 64, 1e-5
    m = 4 * d
    P = "transformer."
    sd = {P + "wte.weight": rand(gen, V, d, scale=0.1), P + "wpe.weight": rand(gen, maxpos, d, scale=0.1)}
    for i in range(L):
        pre = f"{P}h.{i}."
        sd[pre + "ln_1.weight"], sd[pre + "ln_1.bias"] = ln(gen, d)
        sd[pre + "ln_2.weight"], sd[pre + "ln_2.bias"] = ln(gen, d)
        sd[pre + "attn.c_attn.weight"], sd[pre + "attn.c_attn.bias"] = rand(gen, d, 3 * d, scale=0.15), rand(gen, 3 * d, scale=0.02)
        sd[pre + "attn.c_proj.weight"], sd[pre + "attn.c_proj.bias"] = rand(gen, d, d), rand(gen, d, scale=0.02)
        sd[pre + "mlp.c_fc.weight"], sd[pre + "mlp.c_fc.bias"] = rand(gen, d, m, scale=0.3), rand(gen, m, scale=0.02)
        sd[pre + "mlp.c_proj.weight"], sd[pre + "mlp.c_proj.bias"] = rand(gen, m, d, scale=0.3), rand(gen, d, scale=0.02)
        sd[pre + "attn.bias"] = torch.tril(torch.ones(maxpos, maxpos))[None, None]  # the mask buffer older versions saved
    sd[P + "ln_f.weight"], sd[P + "ln_f.bias"] = ln(gen, d)
    # lm_head.weight is tied to wte: save_pretrained leaves it out of the file

    def forward(ids):
        t = len(ids)
        h = sd[P + "wte.weight"][ids] + sd[P + "wpe.weight"][:t]
        dh = d // heads
        for i in range(L):
            pre = f"{P}h.{i}."
            a = F.layer_norm(h, (d,), sd[pre + "ln_1.weight"], sd[pre + "ln_1.bias"], eps)
            q, k, v = (a @ sd[pre + "attn.c_attn.weight"] + sd[pre + "attn.c_attn.bias"]).split(d, dim=1)
            qh, kh, vh = (z.view(t, heads, dh).transpose(0, 1) for z in (q, k, v))
            att = torch.softmax(qh @ kh.transpose(1, 2) / math.sqrt(dh) + causal(t), dim=-1)
            h = h + (att @ vh).transpose(0, 1).reshape(t, d) @ sd[pre + "attn.c_proj.weight"] + sd[pre + "attn.c_proj.bias"]
            a = F.layer_norm(h, (d,), sd[pre + "ln_2.weight"], sd[pre + "ln_2.bias"], eps)
            h = h + gelu_new(a @ sd[pre + "mlp.c_fc.weight"] + sd[pre + "mlp.c_fc.bias"]) @ sd[pre + "mlp.c_proj.weight"] \
                + sd[pre + "mlp.c_proj.bias"]
        return F.layer_norm(h, (d,), sd[P + "ln_f.weight"], sd[P + "ln_f.bias"], eps) @ sd[P + "wte.weight"].T

    eos = vocab["<|endoftext|>"]
    config = {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1, "bos_token_id": eos,
              "embd_pdrop": 0.1, "eos_token_id": eos, "initializer_range": 0.02, "layer_norm_epsilon": eps, "model_type": "gpt2",
              "n_ctx": maxpos, "n_embd": d, "n_head": heads, "n_inner": None, "n_layer": L, "n_positions": maxpos,
              "reorder_and_upcast_attn": False, "resid_pdrop": 0.1, "scale_attn_by_inverse_layer_idx": False,
              "scale_attn_weights": True, "summary_activation": None, "summary_first_dropout": 0.1, "summary_proj_to_labels": True,
              "summary_type": "cls_index", "summary_use_proj": True, "task_specific_params": {"text-generation": {"do_sample": True,
                                                                                                               "max_length": 50}},
              "use_cache": True, "vocab_size": V}
    decoder_folder(out, "gpt2", config, sd, forward, encode, tok,
                   {"add_prefix_space": False, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "model_max_length": maxpos,
                    "tokenizer_class": "GPT2Tokenizer", "unk_token": "<|endoftext|>"},
                   {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"})


# ------------------------------------------------------------------ Llama (LlamaForCausalLM, sharded)

def llama(out):
    gen = torch.Generator().manual_seed(3004)
    vocab, tok, encode = byte_bpe(["<|begin_of_text|>", "<|end_of_text|>"], bos="<|begin_of_text|>")
    V = len(vocab)
    d, heads, kv, L, m, maxpos, theta, eps = 48, 6, 2, 3, 128, 128, 500000.0, 1e-5
    dh = d // heads
    P = "model."
    sd = {P + "embed_tokens.weight": rand(gen, V, d, scale=0.3)}
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
    sd["lm_head.weight"] = rand(gen, V, d, scale=0.3)
    inv_freq = 1.0 / (theta ** (torch.arange(0, dh, 2).float() / dh))

    def rms(x, g):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g

    def forward(ids):
        t = len(ids)
        emb = torch.outer(torch.arange(t).float(), inv_freq)
        emb = torch.cat([emb, emb], dim=-1)
        cos, sin = emb.cos(), emb.sin()

        def rope(x):  # rotate-half, as transformers' Llama
            return x * cos + torch.cat([-x[..., dh // 2:], x[..., : dh // 2]], dim=-1) * sin
        h = sd[P + "embed_tokens.weight"][ids]
        for i in range(L):
            pre = f"{P}layers.{i}."
            a = rms(h, sd[pre + "input_layernorm.weight"])
            W = {k: sd[pre + f"self_attn.{k}_proj.weight"] for k in "qkvo"}
            h = h + mha(a, a, W, heads, kv, causal(t), rope)
            a = rms(h, sd[pre + "post_attention_layernorm.weight"])
            h = h + F.linear(F.silu(F.linear(a, sd[pre + "mlp.gate_proj.weight"])) * F.linear(a, sd[pre + "mlp.up_proj.weight"]),
                             sd[pre + "mlp.down_proj.weight"])
        return F.linear(rms(h, sd[P + "norm.weight"]), sd["lm_head.weight"])

    config = {"architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
              "bos_token_id": vocab["<|begin_of_text|>"], "eos_token_id": vocab["<|end_of_text|>"], "hidden_act": "silu",
              "hidden_size": d, "initializer_range": 0.02, "intermediate_size": m, "max_position_embeddings": maxpos,
              "mlp_bias": False, "model_type": "llama", "num_attention_heads": heads, "num_hidden_layers": L,
              "num_key_value_heads": kv, "pretraining_tp": 1, "rms_norm_eps": eps, "rope_scaling": None, "rope_theta": theta,
              "tie_word_embeddings": False, "use_cache": True, "vocab_size": V}
    decoder_folder(out, "llama", config, sd, forward, encode, tok,
                   {"bos_token": "<|begin_of_text|>", "clean_up_tokenization_spaces": True, "eos_token": "<|end_of_text|>",
                    "model_max_length": maxpos, "tokenizer_class": "PreTrainedTokenizerFast"},
                   {"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"}, shards=2)


# ------------------------------------------------------------------ CLIP (CLIPModel: both towers, zero-shot)

CLIP_PATTERN = r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"
CLIP_WORDS = "a an the photo picture of cat dog car bird tree cup red blue green circle square bar gradient".split()


def clip_bpe():
    """CLIP's tokenizer.json layout: lower-case, words by CLIP's regex, byte-level BPE with an end-of-word suffix </w>."""
    b2u = bytes_to_unicode()
    chars = [b2u[b] for b in range(256)]
    vocab = {}
    for ch in chars:
        vocab[ch] = len(vocab)
    for ch in chars:
        vocab[ch + "</w>"] = len(vocab)
    merges = []
    for w in CLIP_WORDS:  # chain merges left to right, as a trained BPE would learn frequent words
        syms = list(w[:-1]) + [w[-1] + "</w>"]
        while len(syms) > 1:
            mg = syms[0] + " " + syms[1]
            if mg not in merges:
                merges.append(mg)
                vocab.setdefault(syms[0] + syms[1], len(vocab))
            syms = [syms[0] + syms[1]] + syms[2:]
    bos, eos = "<|startoftext|>", "<|endoftext|>"
    vocab[bos] = len(vocab)
    vocab[eos] = len(vocab)  # the highest id: CLIP's text tower pools there (legacy eos_token_id 2 means argmax)
    added = [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": s == bos,
              "special": True} for s in (bos, eos)]
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
           "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"},
                                                              {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "},
                                                              {"type": "Lowercase"}]},
           "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
               {"type": "Split", "pattern": {"Regex": CLIP_PATTERN}, "behavior": "Removed", "invert": True},
               {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
           "post_processor": {"type": "RobertaProcessing", "sep": [eos, vocab[eos]], "cls": [bos, vocab[bos]], "trim_offsets": False,
                              "add_prefix_space": False},
           "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
           "model": {"type": "BPE", "dropout": None, "unk_token": eos, "continuing_subword_prefix": "", "end_of_word_suffix": "</w>",
                     "fuse_unk": False, "byte_fallback": False, "vocab": vocab, "merges": merges}}
    ranks = {tuple(mg.split(" ")): r for r, mg in enumerate(merges)}

    def encode(text):  # lower case, CLIP's word regex (ASCII here), bytes to characters, </w> on the last, merges by rank
        ids = [vocab[bos]]
        for w in re.findall(r"[a-z]+|[0-9]|[^\sa-z0-9]+", " ".join(text.split()).lower()):
            parts = [b2u[b] for b in w.encode("utf-8")]
            parts[-1] += "</w>"
            while True:
                pairs = [(ranks.get((parts[i], parts[i + 1]), 1 << 30), i) for i in range(len(parts) - 1)]
                if not pairs or min(pairs)[0] == 1 << 30:
                    break
                _, i = min(pairs)
                parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
            ids += [vocab[p] for p in parts]
        return ids + [vocab[eos]]

    return vocab, tok, encode, bos, eos


def clip(out):
    gen = torch.Generator().manual_seed(3005)
    vocab, tok, encode, bos, eos = clip_bpe()
    V = len(vocab)
    dv, hv, Lv, mv, img, p, c = 48, 6, 3, 96, 32, 8, 3
    dt, ht, Lt, mt, maxpos = 40, 4, 2, 80, 24
    proj, eps = 24, 1e-5
    n = (img // p) ** 2
    mean, std = [0.48145466, 0.4578275, 0.40821073], [0.26862954, 0.26130258, 0.27577711]
    names = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.out_proj"]
    VM, TM = "vision_model.", "text_model."
    sd = {VM + "embeddings.class_embedding": rand(gen, dv), VM + "embeddings.patch_embedding.weight": rand(gen, dv, c, p, p),
          VM + "embeddings.position_embedding.weight": rand(gen, n + 1, dv),
          VM + "embeddings.position_ids": torch.arange(n + 1, dtype=torch.int64)[None],
          TM + "embeddings.token_embedding.weight": rand(gen, V, dt, scale=0.3),
          TM + "embeddings.position_embedding.weight": rand(gen, maxpos, dt),
          TM + "embeddings.position_ids": torch.arange(maxpos, dtype=torch.int64)[None]}
    sd[VM + "pre_layrnorm.weight"], sd[VM + "pre_layrnorm.bias"] = ln(gen, dv)
    for tower, d, L, m in ((VM, dv, Lv, mv), (TM, dt, Lt, mt)):
        for i in range(L):
            pre = f"{tower}encoder.layers.{i}."
            for nm in names:
                sd[pre + nm + ".weight"], sd[pre + nm + ".bias"] = rand(gen, d, d), rand(gen, d, scale=0.02)
            sd[pre + "layer_norm1.weight"], sd[pre + "layer_norm1.bias"] = ln(gen, d)
            sd[pre + "layer_norm2.weight"], sd[pre + "layer_norm2.bias"] = ln(gen, d)
            sd[pre + "mlp.fc1.weight"], sd[pre + "mlp.fc1.bias"] = rand(gen, m, d), rand(gen, m, scale=0.02)
            sd[pre + "mlp.fc2.weight"], sd[pre + "mlp.fc2.bias"] = rand(gen, d, m), rand(gen, d, scale=0.02)
    sd[VM + "post_layernorm.weight"], sd[VM + "post_layernorm.bias"] = ln(gen, dv)
    sd[TM + "final_layer_norm.weight"], sd[TM + "final_layer_norm.bias"] = ln(gen, dt)
    sd["visual_projection.weight"] = rand(gen, proj, dv, scale=0.3)
    sd["text_projection.weight"] = rand(gen, proj, dt, scale=0.3)
    sd["logit_scale"] = torch.tensor(4.6052)  # exp: 100, as trained CLIP checkpoints hold

    def encoder(h, tower, d, heads, L, mask):  # CLIPEncoderLayer: pre-norm, quick_gelu MLP
        for i in range(L):
            pre = f"{tower}encoder.layers.{i}."
            W = {k: sd[pre + nm + ".weight"] for k, nm in zip("qkvo", names)}
            W.update({k + "b": sd[pre + nm + ".bias"] for k, nm in zip("qkvo", names)})
            a = F.layer_norm(h, (d,), sd[pre + "layer_norm1.weight"], sd[pre + "layer_norm1.bias"], eps)
            h = h + mha(a, a, W, heads, heads, mask)
            a = F.layer_norm(h, (d,), sd[pre + "layer_norm2.weight"], sd[pre + "layer_norm2.bias"], eps)
            h = h + linear(sd[pre + "mlp.fc2.weight"], sd[pre + "mlp.fc2.bias"],
                           quick_gelu(linear(sd[pre + "mlp.fc1.weight"], sd[pre + "mlp.fc1.bias"], a)))
        return h

    def image_embeds(x):  # CLIPVisionTransformer + visual_projection
        e = F.conv2d(x[None], sd[VM + "embeddings.patch_embedding.weight"], None, stride=p).flatten(2).transpose(1, 2)[0]
        h = torch.cat([sd[VM + "embeddings.class_embedding"][None], e], 0) + sd[VM + "embeddings.position_embedding.weight"]
        h = F.layer_norm(h, (dv,), sd[VM + "pre_layrnorm.weight"], sd[VM + "pre_layrnorm.bias"], eps)
        h = encoder(h, VM, dv, hv, Lv, None)
        pooled = F.layer_norm(h[0:1], (dv,), sd[VM + "post_layernorm.weight"], sd[VM + "post_layernorm.bias"], eps)
        return pooled @ sd["visual_projection.weight"].T

    def text_embeds(ids):  # CLIPTextTransformer (causal mask, pooled at the highest id: legacy eos_token_id 2) + text_projection
        t = len(ids)
        h = sd[TM + "embeddings.token_embedding.weight"][ids] + sd[TM + "embeddings.position_embedding.weight"][:t]
        h = encoder(h, TM, dt, ht, Lt, causal(t))
        h = F.layer_norm(h, (dt,), sd[TM + "final_layer_norm.weight"], sd[TM + "final_layer_norm.bias"], eps)
        return h[int(torch.tensor(ids).argmax())][None] @ sd["text_projection.weight"].T

    labels = ["cat", "dog", "car"]
    template = "a photo of a {}"
    prompts = [template.format(lb) for lb in labels]
    refs, ids_all, texts = {}, [], []
    for j, pr in enumerate(prompts):
        ids = encode(pr)
        ids_all.append(ids)
        refs[f"input.ids.{j}"] = torch.tensor(ids, dtype=torch.int32)
        te = text_embeds(ids)
        refs[f"output.text_embeds.{j}"] = te
        texts.append(F.normalize(te[0], dim=0))
    top = []
    for k in range(2):
        x = torch.randn(c, img, img, generator=torch.Generator().manual_seed(4005 + k))
        ie = image_embeds(x)
        refs[f"input.pixels.{k}"] = x
        refs[f"output.image_embeds.{k}"] = ie
        probs = torch.softmax(sd["logit_scale"].exp() * torch.stack(texts) @ F.normalize(ie[0], dim=0), dim=0)
        refs[f"output.probs.{k}"] = probs[None]
        top.append(labels[int(torch.argmax(probs))])
    text_config = {"attention_dropout": 0.0, "bos_token_id": 0, "dropout": 0.0, "eos_token_id": 2, "hidden_act": "quick_gelu",
                   "hidden_size": dt, "initializer_factor": 1.0, "initializer_range": 0.02, "intermediate_size": mt,
                   "layer_norm_eps": eps, "max_position_embeddings": maxpos, "model_type": "clip_text_model",
                   "num_attention_heads": ht, "num_hidden_layers": Lt, "pad_token_id": 1, "projection_dim": proj, "vocab_size": V}
    vision_config = {"attention_dropout": 0.0, "dropout": 0.0, "hidden_act": "quick_gelu", "hidden_size": dv, "image_size": img,
                     "initializer_factor": 1.0, "initializer_range": 0.02, "intermediate_size": mv, "layer_norm_eps": eps,
                     "model_type": "clip_vision_model", "num_attention_heads": hv, "num_channels": c, "num_hidden_layers": Lv,
                     "patch_size": p, "projection_dim": proj}
    config = {"architectures": ["CLIPModel"], "initializer_factor": 1.0, "logit_scale_init_value": 2.6592, "model_type": "clip",
              "projection_dim": proj, "text_config": text_config, "vision_config": vision_config}
    folder = save_folder(out, "clip", config, sd, refs, {"labels": labels, "template": template, "texts": prompts, "ids": ids_all,
                                                         "top_label": top})
    write_json(folder, "tokenizer.json", tok)
    write_json(folder, "tokenizer_config.json", {"bos_token": bos, "clean_up_tokenization_spaces": True, "do_lower_case": True,
                                                 "eos_token": eos, "errors": "replace", "model_max_length": maxpos,
                                                 "pad_token": eos, "tokenizer_class": "CLIPTokenizer", "unk_token": eos})
    write_json(folder, "special_tokens_map.json", {"bos_token": bos, "eos_token": eos, "pad_token": eos, "unk_token": eos})
    write_json(folder, "preprocessor_config.json", {
        "crop_size": {"height": img, "width": img}, "do_center_crop": True, "do_convert_rgb": True, "do_normalize": True,
        "do_rescale": True, "do_resize": True, "image_mean": mean, "image_processor_type": "CLIPImageProcessor", "image_std": std,
        "resample": 3, "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": img}})


def decoder_folder(out, name, config, sd, forward, encode, tok, tok_config, special_map, shards=1):
    prompts = ["where is the train", "how do i bake bread"]
    refs, ids_all, greedy_all = {}, [], []
    for j, p in enumerate(prompts):
        ids = encode(p)
        ids_all.append(ids)
        refs[f"input.ids.{j}"] = torch.tensor(ids, dtype=torch.int32)
        refs[f"output.logits.{j}"] = forward(ids)
        greedy_all.append(greedy(forward, ids, 8)[len(ids):])
    folder = save_folder(out, name, config, sd, refs, {"texts": prompts, "ids": ids_all, "greedy": greedy_all}, shards)
    write_json(folder, "tokenizer.json", tok)
    write_json(folder, "tokenizer_config.json", tok_config)
    write_json(folder, "special_tokens_map.json", special_map)
    write_json(folder, "generation_config.json", {"bos_token_id": config["bos_token_id"], "eos_token_id": config["eos_token_id"],
                                                  "transformers_version": TRANSFORMERS})


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "models/src/test/resources/hf"
    os.makedirs(out, exist_ok=True)
    vit(out)
    bert(out)
    gpt2(out)
    llama(out)
    clip(out)


if __name__ == "__main__":
    main()
