#!/usr/bin/env python3
"""Makes the token ids that HfTokenizerReferenceTest compares df11's tokenizers against.

Hugging Face's own ``tokenizers`` library is the reference: every real vocabulary that scripts/fetch-tokenizers.sh
caches (Mistral, Llama 3, Qwen3, Gemma 3, Gemma 1/2, cl100k) is loaded with ``tokenizers.Tokenizer.from_file`` and encodes
the same texts (unicode, whitespace runs, digits, code, emoji, byte fallback, special tokens of every family) with
``add_special_tokens=False``; the ids and ``decode(ids, skip_special_tokens=False)`` are recorded, with the sha256 of
the tokenizer.json they came from. Tests never run Python.

Rerun (no network; on the team machine ``/work/pyenv/bin/python`` has tokenizers installed, a run takes seconds)::

    scripts/fetch-tokenizers.sh
    /work/pyenv/bin/python runtime/src/test/python/make_tokenizer_references.py

It rewrites runtime/src/test/resources/tokenizer-references/ids.json.
"""
import hashlib
import json
import os
import re

import tokenizers
from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "tokenizer-references", "ids.json")
CACHE = os.path.join(os.environ.get("DF11_CACHE", os.path.expanduser("~/.cache/df11")), "tokenizers")
VOCABULARIES = ["mistral", "llama3", "qwen3", "gemma3", "gemma2", "cl100k"]

TEXTS = [
    "",
    " ",
    "   ",
    "a",
    " a",
    "a ",
    "Hello world!",
    "Hello  world,   three   spaces and\ttabs\t\tend",
    "  leading spaces",
    "trailing spaces   ",
    "\n",
    "\n\n\nthree newlines first",
    "line one\nline two\r\nline three\n\n\n\n",
    "It's, we're, they've, I'm, you'll, he'd, DON'T",
    "numbers 1 12 123 1234 12345 3.14159 -42 1,000,000 2024-06-01",
    "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
    "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }  // dot\n\tx->y = ~0u >> 3;",
    "<html><body><table><tr><td>cell</td></tr></table></body></html>",
    "Ünïcödé çhàràctérs, ß, Æ, ø, ł",
    "Ελληνικά, русский, עברית, العربية, हिन्दी",
    "镇 日本語のテキスト 한국어 텍스트 中文，标点。",
    "emoji 😀😃 family 👨\u200d👩\u200d👧 flags 🇫🇷 skin 👍🏽 🦙",
    "math ∀x∈ℝ: x² ≥ 0, ∑ᵢ aᵢ, 𝔸𝔹ℂ",
    "combining: e\u0301 a\u0308 n\u0303 and precomposed é ä ñ",
    "zero\u200bwidth\u200djoiner and nbsp\u00a0here",
    "\u0000control\u0001chars\u007f",
    "rare bytes: \U0001fab8 \U000e0041 \ufffd",
    "▁ literal marker ▁▁ and Ġ and Ċ",
    "<0x0A> is not a newline here",
    "<s>[INST] Hi [/INST] Hello</s>",
    "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
    "<bos><start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n",
    "<start_of_turn>user<end_of_turn>model<eos>",
    "<|user|>\nHi<|end|>\n<|assistant|>\n<|endoftext|>",
    "<|im_start|>user<|im_sep|>Hi<|im_end|><|endoftext|><|fim_prefix|>x<|fim_suffix|>",
    "CAPS'S and 'LL and ''s I'M we'Re",
    "           grabbed",
    "ax\n####\nboo",
    "The llama (/ˈlɑːmə/; 🦙Spanish pronunciation: [ˈʎama])",
]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    out = {"tokenizers_version": tokenizers.__version__, "vocabularies": {}}
    for name in VOCABULARIES:
        path = os.path.join(CACHE, name, "tokenizer.json")
        tok = Tokenizer.from_file(path)
        cases = []
        for text in TEXTS:
            ids = tok.encode(text, add_special_tokens=False).ids
            cases.append({"text": text, "ids": ids, "decoded": tok.decode(ids, skip_special_tokens=False)})
        out["vocabularies"][name] = {"tokenizer_json_sha256": sha256(path), "cases": cases}
        print(name, len(cases), "texts,", sum(len(c["ids"]) for c in cases), "ids")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # One line per case keeps the file small and its diffs readable.
    text = json.dumps(out, ensure_ascii=True, indent=1)
    text = re.sub(r'\{\n\s+"text": (.*),\n\s+"ids": \[([^\]]*)\],\n\s+"decoded": (.*)\n\s+\}',
                  lambda m: '{"text": %s, "ids": [%s], "decoded": %s}' % (
                      m.group(1), ", ".join(x.strip() for x in m.group(2).split(",") if x.strip()), m.group(3)),
                  text)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    assert json.loads(text) == out


if __name__ == "__main__":
    main()
