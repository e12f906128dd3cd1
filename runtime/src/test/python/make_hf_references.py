#!/usr/bin/env python3
"""Makes the Hugging Face reference data that df11's runtime tests compare against.

Transformers itself is the reference: this script builds tiny random-weight models of every family df11 runs
(Llama 2 style, Llama 3.1 with llama3 rope, Mistral with a sliding window shorter than the test sequence, Qwen2,
Qwen3, Llama with yarn and longrope scaling, Gemma 3 text tied and untied, a multimodal Gemma 3 with a tiny
vision tower, Phi-3 with partial rotary and longrope, and a tied Phi-3 with a window), saves them with ``save_pretrained`` in BF16, reloads them in float32 with eager attention, and records the greedy ids and every step's logits. It also records, for each rope
type (default, linear, dynamic, llama3, yarn, longrope), the inverse frequencies and attention scaling that
transformers' rotary embedding computes.

Run it where torch and transformers are installed (no network is needed; on the team machine
``/work/pyenv/bin/python`` has transformers 5.18 and torch 2.13 CPU, a run takes seconds), then unpack the result into the test
resources::

    python3 runtime/src/test/python/make_hf_references.py /tmp/out
    rm -rf runtime/src/test/resources/hf-references
    tar -xzf /tmp/out/hf-references.tar.gz -C runtime/src/test/resources

Output (inside the tarball, folder ``hf-references/``):

* ``versions.json``: torch and transformers versions.
* ``rope.json``: a list of cases ``{name, rope_type, legacy_config, config, seq_len, inv_freq, attention_factor}``;
  ``config`` is what transformers serialises (``to_dict()``), ``legacy_config`` the same settings in the
  pre-transformers-5 keys (``rope_theta`` / ``rope_scaling``); ``seq_len`` null means the frequencies at
  initialisation, otherwise after the rotary embedding ran positions ``0 .. seq_len-1`` (dynamic and longrope
  depend on it).
* ``models/<name>/``: ``config.json`` and ``model.safetensors`` exactly as ``save_pretrained`` wrote them (BF16),
  ``config-legacy.json`` (the same config rewritten to ``rope_theta`` / ``rope_scaling`` / ``torch_dtype``, as
  transformers 4 wrote it), and ``reference.json``: ``prompt`` ids, ``greedy`` ids (one per step), per step
  ``logits`` (float32, after the prompt and after each greedy token, computed with the whole sequence in one
  forward pass, no cache) and ``margin`` (top-1 minus top-2 logit).
"""
import json
import math
import os
import shutil
import sys
import tarfile
import traceback

import torch
import transformers
from transformers import (AutoModelForCausalLM, Gemma3Config, Gemma3ForConditionalGeneration, Gemma3TextConfig,
                          LlamaConfig, MistralConfig, Phi3Config, Qwen2Config, Qwen3Config)
from transformers.models.llama.modeling_llama import LlamaForCausalLM, LlamaRotaryEmbedding

PROMPT = [1, 17, 42, 99, 5, 63, 120, 7, 200, 31]
STEPS = 14   # greedy steps after the prompt: positions up to 23, beyond Mistral's window of 8


def f32(x):
    """A float32 value as the shortest decimal that reads back to the same float32."""
    return float(f"{float(x):.9g}")


def make_config(cls, kw, rope):
    """A config of class cls with the rope settings given in the transformers-5 form (falls back to legacy kwargs)."""
    if "full_attention" in rope:   # per-layer-type rope parameters (Gemma 3): transformers 5 takes them as they are
        return cls(**kw, rope_parameters={k: dict(v) for k, v in rope.items()})
    cfg = cls(**kw, rope_parameters=dict(rope))
    rp = getattr(cfg, "rope_parameters", None)
    if not isinstance(rp, dict) or rp.get("rope_theta") != rope["rope_theta"]:
        legacy = dict(rope)
        theta = legacy.pop("rope_theta")
        cfg = cls(**kw, rope_theta=theta, rope_scaling=None if legacy.get("rope_type") == "default" else legacy)
    return cfg


def legacy_rope(rope):
    """rope_theta and rope_scaling as transformers 4 configs carried them."""
    scaling = {k: v for k, v in rope.items() if k != "rope_theta"}
    return rope["rope_theta"], (None if rope.get("rope_type", "default") == "default" else scaling)


def legacy_config_of(saved):
    """A transformers-5 config.json rewritten to the legacy keys."""
    if saved.get("model_type") == "gemma3_text":
        return legacy_gemma3_config_of(saved)
    if saved.get("model_type") == "gemma3":
        legacy = {("torch_dtype" if k == "dtype" else k): v for k, v in saved.items()}
        legacy["text_config"] = legacy_gemma3_config_of(saved["text_config"])
        return legacy
    legacy = {}
    for key, value in saved.items():
        if key == "rope_parameters":
            if isinstance(value, dict) and "rope_theta" in value:
                theta, scaling = legacy_rope(value)
                legacy["rope_theta"] = theta
                legacy["rope_scaling"] = scaling
            else:
                legacy[key] = value
        elif key == "dtype":
            legacy["torch_dtype"] = value
        elif key == "layer_types":
            continue
        else:
            legacy[key] = value
    return legacy


def legacy_gemma3_config_of(saved):
    """A Gemma 3 config as transformers 4 wrote it: rope_theta and rope_scaling of the global layers,
    rope_local_base_freq of the sliding ones, and sliding_window_pattern (every n-th layer global) for layer_types."""
    legacy = {}
    for key, value in saved.items():
        if key == "rope_parameters":
            theta, scaling = legacy_rope(value["full_attention"])
            legacy["rope_theta"] = theta
            legacy["rope_scaling"] = scaling
            local = value["sliding_attention"]
            assert local.get("rope_type", "default") == "default", "transformers 4 had no scaling of local layers"
            legacy["rope_local_base_freq"] = local["rope_theta"]
        elif key == "dtype":
            legacy["torch_dtype"] = value
        elif key == "layer_types":
            pattern = value.index("full_attention") + 1
            expected = ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(len(value))]
            assert value == expected, f"layer_types {value} is not every {pattern}-th layer global"
            legacy["sliding_window_pattern"] = pattern
        elif key == "_sliding_window_pattern":
            continue
        else:
            legacy[key] = value
    return legacy


# ---------------------------------------------------------------------------------------------- rope references

def rope_case(name, head_dim, max_pos, rope, seq_lens=(None,)):
    heads = 2
    kw = dict(hidden_size=heads * head_dim, num_attention_heads=heads, num_key_value_heads=heads, head_dim=head_dim,
              intermediate_size=8, num_hidden_layers=1, vocab_size=16, max_position_embeddings=max_pos)
    if rope.get("rope_type") == "longrope" and "original_max_position_embeddings" in rope:
        # Phi-3 keeps it at the top level too, and some transformers versions read it only there.
        kw["original_max_position_embeddings"] = rope["original_max_position_embeddings"]
    theta, scaling = legacy_rope(rope)
    legacy = dict(model_type="llama", **kw, rope_theta=theta, rope_scaling=scaling)
    out = []
    for seq_len in seq_lens:
        case = dict(name=name if seq_len is None else f"{name}@{seq_len}", rope_type=rope.get("rope_type"),
                    legacy_config=legacy, seq_len=seq_len)
        try:
            cfg = make_config(LlamaConfig, kw, rope)
            case["config"] = cfg.to_dict()
            rot = LlamaRotaryEmbedding(config=cfg)
            if seq_len is not None:
                x = torch.zeros(1, seq_len, head_dim, dtype=torch.float32)
                rot(x, torch.arange(seq_len)[None, :])
            case["inv_freq"] = [f32(v) for v in rot.inv_freq.tolist()]
            case["attention_factor"] = float(rot.attention_scaling)
        except Exception as e:  # recorded, so that one odd case does not cost the whole run
            case["error"] = f"{type(e).__name__}: {e}"
            traceback.print_exc()
        out.append(case)
    return out


def rope_cases():
    long48 = [round(1.0 + 0.35 * i + 0.01 * i * i, 4) for i in range(48)]
    short48 = [round(1.0 + 0.02 * i, 4) for i in range(48)]
    long16 = [round(1.0 + 0.5 * i, 4) for i in range(16)]
    short16 = [round(1.0 + 0.05 * i, 4) for i in range(16)]
    cases = []
    cases += rope_case("default-theta1e4-d16", 16, 128, dict(rope_type="default", rope_theta=10000.0))
    cases += rope_case("default-theta5e5-d64", 64, 8192, dict(rope_type="default", rope_theta=500000.0))
    cases += rope_case("linear-f4-d32", 32, 512, dict(rope_type="linear", rope_theta=10000.0, factor=4.0))
    cases += rope_case("dynamic-f2-d32", 32, 64, dict(rope_type="dynamic", rope_theta=10000.0, factor=2.0),
                       seq_lens=(None, 32, 100))
    cases += rope_case("llama3-llama31-d128", 128, 131072,
                       dict(rope_type="llama3", rope_theta=500000.0, factor=8.0, low_freq_factor=1.0,
                            high_freq_factor=4.0, original_max_position_embeddings=8192))
    cases += rope_case("llama3-tiny-d16", 16, 256,
                       dict(rope_type="llama3", rope_theta=500000.0, factor=8.0, low_freq_factor=1.0,
                            high_freq_factor=4.0, original_max_position_embeddings=64))
    cases += rope_case("yarn-qwen25-d128", 128, 131072,
                       dict(rope_type="yarn", rope_theta=1000000.0, factor=4.0,
                            original_max_position_embeddings=32768))
    cases += rope_case("yarn-ratio-differs-d32", 32, 512,
                       dict(rope_type="yarn", rope_theta=10000.0, factor=4.0, original_max_position_embeddings=64))
    cases += rope_case("yarn-attention-factor-betas-d32", 32, 1024,
                       dict(rope_type="yarn", rope_theta=10000.0, factor=8.0, original_max_position_embeddings=128,
                            attention_factor=0.8, beta_fast=16.0, beta_slow=2.0))
    cases += rope_case("yarn-mscale-d64", 64, 163840,
                       dict(rope_type="yarn", rope_theta=10000.0, factor=40.0, original_max_position_embeddings=4096,
                            mscale=0.9, mscale_all_dim=1.1))
    cases += rope_case("yarn-no-truncate-d64", 64, 131072,
                       dict(rope_type="yarn", rope_theta=150000.0, factor=32.0, original_max_position_embeddings=4096,
                            beta_fast=32.0, beta_slow=1.0, truncate=False))
    cases += rope_case("longrope-phi35-d96", 96, 131072,
                       dict(rope_type="longrope", rope_theta=10000.0, long_factor=long48, short_factor=short48,
                            original_max_position_embeddings=4096), seq_lens=(None, 4096, 5000))
    cases += rope_case("longrope-attention-factor-d32", 32, 256,
                       dict(rope_type="longrope", rope_theta=10000.0, long_factor=long16, short_factor=short16,
                            original_max_position_embeddings=64, attention_factor=1.5), seq_lens=(None, 100))
    cases += rope_case("longrope-factor-given-d32", 32, 512,
                       dict(rope_type="longrope", rope_theta=10000.0, long_factor=long16, short_factor=short16,
                            original_max_position_embeddings=64, factor=4.0))
    return cases


# ---------------------------------------------------------------------------------------------- model references

def init_weights(model, seed, hidden):
    """Weights large enough that logits spread over several units (clear greedy margins), norms away from 1."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "embed_tokens" in name:
                p.copy_(torch.randn(p.shape, generator=gen))
            elif "lm_head" in name:
                p.copy_(torch.randn(p.shape, generator=gen) * (2.0 / math.sqrt(hidden)))
            elif "norm" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=gen))
            elif name.endswith(".bias"):
                p.copy_(0.3 * torch.randn(p.shape, generator=gen))
            elif p.dim() < 2:   # vision tower vectors (the runtime does not read them)
                p.copy_(0.02 * torch.randn(p.shape, generator=gen))
            else:
                p.copy_(torch.randn(p.shape, generator=gen) / math.sqrt(p[0].numel()))


def model_specs():
    common = dict(bos_token_id=1, eos_token_id=2, hidden_act="silu")
    return [
        ("llama2-tied", LlamaConfig, dict(common, vocab_size=320, hidden_size=64, intermediate_size=160,
                                          num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=4,
                                          max_position_embeddings=128, rms_norm_eps=1e-5, tie_word_embeddings=True),
         dict(rope_type="default", rope_theta=10000.0)),
        ("llama31-untied", LlamaConfig, dict(common, vocab_size=384, hidden_size=96, intermediate_size=192,
                                             num_hidden_layers=3, num_attention_heads=6, num_key_value_heads=2,
                                             head_dim=16, max_position_embeddings=256, rms_norm_eps=1e-5,
                                             tie_word_embeddings=False),
         dict(rope_type="llama3", rope_theta=500000.0, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
              original_max_position_embeddings=64)),
        ("mistral-window8", MistralConfig, dict(common, vocab_size=256, hidden_size=64, intermediate_size=128,
                                                num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
                                                head_dim=16, max_position_embeddings=256, rms_norm_eps=1e-5,
                                                sliding_window=8, tie_word_embeddings=False),
         dict(rope_type="default", rope_theta=10000.0)),
        ("qwen2-tied", Qwen2Config, dict(common, vocab_size=300, hidden_size=64, intermediate_size=128,
                                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                         max_position_embeddings=256, rms_norm_eps=1e-6, tie_word_embeddings=True,
                                         sliding_window=4096, use_sliding_window=False, max_window_layers=2),
         dict(rope_type="default", rope_theta=1000000.0)),
        ("qwen3-untied", Qwen3Config, dict(common, vocab_size=256, hidden_size=64, intermediate_size=128,
                                           num_hidden_layers=3, num_attention_heads=4, num_key_value_heads=2,
                                           head_dim=32, max_position_embeddings=256, rms_norm_eps=1e-6,
                                           tie_word_embeddings=False),
         dict(rope_type="default", rope_theta=1000000.0)),
        ("llama-yarn-tied", LlamaConfig, dict(common, vocab_size=256, hidden_size=64, intermediate_size=128,
                                              num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1,
                                              head_dim=16, max_position_embeddings=128, rms_norm_eps=1e-5,
                                              tie_word_embeddings=True),
         dict(rope_type="yarn", rope_theta=10000.0, factor=4.0, original_max_position_embeddings=32)),
        # Gemma 3: sqrt(hidden) embedding scale (96: not a power of two), (1 + w) norms, q/k norms, four norms a
        # layer, GELU (tanh), query_pre_attn_scalar unlike head_dim, head_dim unlike hidden / heads, every third
        # (second) layer global with its own rope (linear-scaled in the first), windows shorter than the sequence,
        # attention and final soft-capping in the first, none in the second.
        ("gemma3-tied", Gemma3TextConfig, dict(bos_token_id=2, eos_token_id=1, pad_token_id=0, vocab_size=256,
                                               hidden_size=96, intermediate_size=160, num_hidden_layers=4,
                                               num_attention_heads=4, num_key_value_heads=2, head_dim=32,
                                               query_pre_attn_scalar=24, max_position_embeddings=256,
                                               rms_norm_eps=1e-6, tie_word_embeddings=True, sliding_window=6,
                                               layer_types=["sliding_attention", "sliding_attention",
                                                            "full_attention", "sliding_attention"],
                                               attn_logit_softcapping=50.0, final_logit_softcapping=30.0),
         dict(full_attention=dict(rope_type="linear", rope_theta=1000000.0, factor=4.0),
              sliding_attention=dict(rope_type="default", rope_theta=10000.0))),
        ("gemma3-untied", Gemma3TextConfig, dict(bos_token_id=2, eos_token_id=1, pad_token_id=0, vocab_size=320,
                                                 hidden_size=64, intermediate_size=128, num_hidden_layers=4,
                                                 num_attention_heads=4, num_key_value_heads=1, head_dim=16,
                                                 query_pre_attn_scalar=20, max_position_embeddings=256,
                                                 rms_norm_eps=1e-6, tie_word_embeddings=False, sliding_window=5,
                                                 layer_types=["sliding_attention", "full_attention",
                                                              "sliding_attention", "full_attention"],
                                                 attn_logit_softcapping=None, final_logit_softcapping=None),
         dict(full_attention=dict(rope_type="default", rope_theta=1000000.0),
              sliding_attention=dict(rope_type="default", rope_theta=10000.0))),
        ("llama-longrope-untied", LlamaConfig, dict(common, vocab_size=256, hidden_size=64, intermediate_size=128,
                                                    num_hidden_layers=2, num_attention_heads=4,
                                                    num_key_value_heads=2, head_dim=16,
                                                    max_position_embeddings=256, rms_norm_eps=1e-5,
                                                    tie_word_embeddings=False),
         dict(rope_type="longrope", rope_theta=10000.0, original_max_position_embeddings=64,
              long_factor=[1.0, 1.5, 2.0, 3.0, 4.5, 6.0, 8.0, 11.0],
              short_factor=[1.0, 1.02, 1.05, 1.1, 1.2, 1.35, 1.5, 1.8])),
        ("gemma3-multimodal-untied", Gemma3Multimodal(
            bos_token_id=2, eos_token_id=1, pad_token_id=0, vocab_size=288, hidden_size=64, intermediate_size=96,
            num_hidden_layers=3, num_attention_heads=2, num_key_value_heads=1, head_dim=32,
            query_pre_attn_scalar=32, max_position_embeddings=256, rms_norm_eps=1e-6, sliding_window=7,
            layer_types=["sliding_attention", "full_attention", "sliding_attention"]),
         dict(kw=None), dict(full_attention=dict(rope_type="default", rope_theta=1000000.0),
                             sliding_attention=dict(rope_type="default", rope_theta=10000.0))),
        # Phi-3: fused qkv_proj and gate_up_proj; partial rotary (half of each head) with longrope in the first,
        # full rotary and a window shorter than the sequence in the second.
        ("phi3-longrope-partial-untied", Phi3Config, dict(bos_token_id=1, eos_token_id=2, pad_token_id=0,
                                                          vocab_size=256, hidden_size=96, intermediate_size=128,
                                                          num_hidden_layers=3, num_attention_heads=4,
                                                          num_key_value_heads=2, max_position_embeddings=256,
                                                          rms_norm_eps=1e-5, tie_word_embeddings=False,
                                                          partial_rotary_factor=0.5, sliding_window=None),
         dict(rope_type="longrope", rope_theta=10000.0, original_max_position_embeddings=64,
              long_factor=[1.0, 1.5, 2.0, 3.0, 4.5, 6.0],
              short_factor=[1.0, 1.05, 1.1, 1.2, 1.3, 1.45], partial_rotary_factor=0.5)),
        ("phi3-window-tied", Phi3Config, dict(bos_token_id=1, eos_token_id=2, pad_token_id=0, vocab_size=320,
                                              hidden_size=64, intermediate_size=160, num_hidden_layers=2,
                                              num_attention_heads=4, num_key_value_heads=4,
                                              max_position_embeddings=128, rms_norm_eps=1e-5,
                                              tie_word_embeddings=True, sliding_window=9),
         dict(rope_type="default", rope_theta=10000.0)),
    ]


class Gemma3Multimodal:
    """Gemma3ForConditionalGeneration, the layout of the official Gemma 3 checkpoints: the language model's config
    under text_config, its tensors under the language-model prefix, beside a (tiny) SigLIP vision tower."""

    def __init__(self, **text):
        self.text = text

    def __call__(self, rope_parameters):
        vision = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                      image_size=28, patch_size=14)
        return Gemma3Config(text_config=dict(self.text, rope_parameters=rope_parameters), vision_config=vision,
                            mm_tokens_per_image=4, image_token_index=self.text["vocab_size"] - 1,
                            boi_token_index=self.text["vocab_size"] - 3, eoi_token_index=self.text["vocab_size"] - 2)


def load_fp32(folder):
    with open(os.path.join(folder, "config.json")) as f:
        if json.load(f).get("model_type") == "gemma3":
            return Gemma3ForConditionalGeneration.from_pretrained(folder, dtype=torch.float32,
                                                                  attn_implementation="eager")
    try:
        return AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager")
    except TypeError:
        return AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32, attn_implementation="eager")


def make_model(root, seed, name, cls, kw, rope):
    folder = os.path.join(root, "models", name)
    os.makedirs(folder, exist_ok=True)
    if rope.get("rope_type") == "longrope":
        kw = dict(kw, original_max_position_embeddings=rope["original_max_position_embeddings"])
    torch.manual_seed(seed)
    if isinstance(cls, Gemma3Multimodal):
        cfg = cls(rope)
        cfg.text_config.tie_word_embeddings = False
        cfg.tie_word_embeddings = False
        model = Gemma3ForConditionalGeneration(cfg)
        kw = cls.text
    else:
        cfg = make_config(cls, kw, rope)
        model = AutoModelForCausalLM.from_config(cfg)
    init_weights(model, seed, kw["hidden_size"])
    model = model.to(torch.bfloat16)
    model.save_pretrained(folder)
    gen_cfg = os.path.join(folder, "generation_config.json")
    if os.path.exists(gen_cfg):
        os.remove(gen_cfg)
    with open(os.path.join(folder, "config.json")) as f:
        saved = json.load(f)
    print(f"== {name} config.json:\n{json.dumps(saved, indent=1)}")
    with open(os.path.join(folder, "config-legacy.json"), "w") as f:
        json.dump(legacy_config_of(saved), f, indent=2)

    ref = load_fp32(folder).eval()
    bf16 = dict(model.named_parameters())
    for pname, p in ref.named_parameters():
        if not torch.equal(p, bf16[pname].float()):
            print(f"!! {name}: reloaded {pname} differs from the saved BF16 weights")
    ids = list(PROMPT)
    logits_rows, margins, greedy = [], [], []
    with torch.no_grad():
        for step in range(STEPS + 1):
            logits = ref(torch.tensor([ids]), use_cache=False).logits[0, -1].float()
            top = torch.topk(logits, 2).values
            logits_rows.append([f32(v) for v in logits.tolist()])
            margins.append(float(top[0] - top[1]))
            token = int(torch.argmax(logits))
            greedy.append(token)
            ids.append(token)
        # The same steps through the KV cache, as generate() runs them: a check on the script, printed only.
        out = ref(torch.tensor([PROMPT]), use_cache=True)
        past, worst = out.past_key_values, (out.logits[0, -1] - torch.tensor(logits_rows[0])).abs().max().item()
        for step in range(STEPS):
            out = ref(torch.tensor([[greedy[step]]]), past_key_values=past, use_cache=True)
            past = out.past_key_values
            worst = max(worst, (out.logits[0, -1] - torch.tensor(logits_rows[step + 1])).abs().max().item())
    print(f"== {name}: greedy {greedy}, min margin {min(margins):.4g}, cached vs full max diff {worst:.3g}")
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(dict(model=name, prompt=PROMPT, greedy=greedy, margin=margins, logits=logits_rows,
                       cached_vs_uncached_max_diff=worst), f, separators=(",", ":"))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "hf-out"
    root = os.path.join(out, "hf-references")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    versions = dict(torch=torch.__version__, transformers=transformers.__version__)
    print(versions)
    with open(os.path.join(root, "versions.json"), "w") as f:
        json.dump(versions, f, indent=2)
    cases = rope_cases()
    for c in cases:
        print(c["name"], c.get("error") or f"attention {c['attention_factor']} inv_freq[:4] {c['inv_freq'][:4]}")
    with open(os.path.join(root, "rope.json"), "w") as f:
        json.dump(cases, f, indent=1)
    failures = 0
    for seed, (name, cls, kw, rope) in enumerate(model_specs(), start=11):
        try:
            make_model(root, seed, name, cls, kw, rope)
        except Exception:
            failures += 1
            traceback.print_exc()
    with tarfile.open(os.path.join(out, "hf-references.tar.gz"), "w:gz") as tar:
        tar.add(root, arcname="hf-references")
    print("failures:", failures)


if __name__ == "__main__":
    main()
