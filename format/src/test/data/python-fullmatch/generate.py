"""Writes fullmatch.json: what CPython's re.fullmatch answers for unit patterns (those of the official DFloat11
checkpoints and examples, and Python syntax that RE2 spells differently) on module names. UnitPatternTest checks
df11's RE2/J matching against it. Run: python3 generate.py > fullmatch.json"""
import json, re, sys

CASES = {
    # Llama / Qwen / DeepSeek-distill / Phi DF11 checkpoints (config.json dfloat11_config.pattern_dict)
    r"model\.layers\.\d+": ["model.layers.0", "model.layers.31", "model.layers.123", "model.layers.",
                            "model.layers.0.self_attn", "xmodel.layers.0", "model.layers.0 ", "model_layers_0",
                            "model.layers.\u0663"],
    r"model\.embed_tokens": ["model.embed_tokens", "model.embed_tokens.weight", "model.embed_tokensX",
                             "modelXembed_tokens"],
    r"lm_head": ["lm_head", "lm_head.weight", "model.lm_head"],
    # FLUX.1 (examples/compress_flux1 of LeanModels/DFloat11), Wan2.1, Gemma 3 language model
    r"transformer_blocks\.\d+": ["transformer_blocks.0", "transformer_blocks.18", "single_transformer_blocks.0",
                                 "transformer_blocks.a"],
    r"single_transformer_blocks\.\d+": ["single_transformer_blocks.0", "single_transformer_blocks.37",
                                        "transformer_blocks.0"],
    r"blocks\.\d+": ["blocks.0", "blocks.39", "transformer_blocks.0"],
    r"language_model\.model\.layers\.\d+": ["language_model.model.layers.0", "model.layers.0"],
    # sub-module units, as df11 --pattern examples use
    r"model\.layers\.\d+\.self_attn": ["model.layers.0.self_attn", "model.layers.0.mlp"],
    r"model\.layers\.\d+\.mlp": ["model.layers.7.mlp", "model.layers.7.mlp.down_proj"],
    # syntax whose meaning differs between Python and RE2 unless translated
    r"model.layers.\d+": ["model.layers.0", "modelXlayersY0"],
    r"model\.layers\.[0-9]{1,2}": ["model.layers.5", "model.layers.10", "model.layers.100"],
    r"model\.layers\.\d{,2}": ["model.layers.", "model.layers.42", "model.layers.420"],
    r"model\.layers\.(1|2|3)": ["model.layers.1", "model.layers.4", "model.layers.12"],
    r"(?P<stack>model\.layers)\.\d+": ["model.layers.9"],
    r"lm_head\Z": ["lm_head", "lm_head\n"],
    r"lm_head$": ["lm_head", "lm_head\n"],
    r"(?i)LM_HEAD": ["lm_head"],
    r"[\d]+": ["123", "\u0663\u0664", "a"],
    r"\D+": ["abc", "a1"],
    r"a|ab": ["ab", "a"],
    r"a{2": ["a{2", "aa"],
    r"a{,}": ["aaa", "a{,}"],
    r"a{ 2}": ["a{ 2}", "aa"],
    r"a{2, 3}": ["aa", "a{2, 3}"],
}

out = {"python": sys.version.split()[0],
       "cases": [{"pattern": p, "name": n, "fullmatch": re.fullmatch(p, n) is not None}
                 for p, names in CASES.items() for n in names]}
json.dump(out, sys.stdout, indent=1, ensure_ascii=True)
print()
