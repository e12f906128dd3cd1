"""Renders small Jinja templates with transformers' chat-template environment, for JinjaCompatibilityTest.

Rerun (tests never run Python):

    /work/pyenv/bin/python runtime/src/test/python/make_jinja_compat_references.py

Each case is one construct that chat templates use (loop controls, filters, tests, string methods, macros, printed
values, whitespace control); the output records what Jinja2 in transformers renders, so the Java test proves
df11's Jinjava set-up renders the same bytes.
"""
import json
import os

from transformers.utils.chat_template_utils import _compile_jinja_template

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "jinja-compat", "cases.json")

MESSAGES = [{"role": "user", "content": "Hello there"}, {"role": "assistant", "content": "hi"}]
D = {"a": 1, "b": "two"}

TEMPLATES = [
    "{% macro r(m, p='> ') %}{{ p }}{{ m }}{% endmacro %}{{ r('a') }}{{ r('b', p='# ') }}",
    "{% for m in messages %}{{ loop.cycle('x', 'y') }}{% endfor %}",
    "{{ messages|map(attribute='role')|join(', ') }}",
    "{{ messages|selectattr('role', 'equalto', 'user')|list|length }}",
    "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}",
    "{{ d.get('a') }}{{ d.get('zz', 'dflt') }}",
    "{{ d is mapping }}{{ messages is mapping }}",
    "{% for m in messages %}{% if loop.index > 1 %}{% break %}{% endif %}{{ m.role }}{% endfor %}",
    "{% for m in messages %}{% if loop.first %}{% continue %}{% endif %}{{ m.role }}{% endfor %}",
    "{% for m in messages %}{{ loop.index0 }}{{ loop.length }}{{ loop.revindex }}{{ loop.last }}{% endfor %}",
    "{{ messages[0].content|length }}",
    "{{ 'a' ~ 'b' ~ 3 }}",
    "{{ messages[-1].role }}",
    "{{ messages|last }}",
    "{{ (messages|first).role }}",
    "{{ messages[1:]|length }}",
    "{{ range(3)|list }}",
    "{{ 'Hello World'.split(' ')[1]|upper }}",
    "{{ '  x  '|trim }}|",
    "{{ 10 // 3 }} {{ 7 % 3 }} {{ 2 ** 3 }} {{ 3 / 2 }}",
    "{{ 'abc' in 'xabcx' }}{{ 'q' not in 'abc' }}",
    "{%- if not messages[0].content.startswith('He') -%}no{%- else -%}yes{%- endif -%}",
    "{{ messages|length > 1 and messages[1].role == 'assistant' }}",
    "{% set ns = namespace(found=false) %}{% for m in messages %}{% if m.role == 'assistant' %}"
    "{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}",
    "{{ \"double\" + 'single' }}",
    "{{ '\\n'.join(['a', 'b']) }}",
    "{{ messages[0]['content'].title() }}{{ 'hELLO wORLD'.capitalize() }}",
    "{{ d|tojson }}",
    "{{ d|dictsort }}",
    "{% if x is not defined %}undef{% endif %}",
    "  {% if true %}\n  indented\n  {% endif %}\nend",
    "{% for m in messages %}\n    {{- m.role }}\n{% endfor %}\n",
    "{{ none is none }}{{ d.zz is defined }}",
    "{{ messages[0].content is string }}{{ messages is iterable }}{{ 3 is number }}",
    "{{ 'x' if messages|length == 2 else 'y' }}",
    "{{ messages[0].content.replace('there', 'you').lower() }}",
    "{{ messages[0].content.endswith('ere') }}{{ '\\n\\nx\\n'.strip() }}",
    "{{ true }}|{{ [1, 'a', true, none, 2.5, 1e-05] }}|{{ {'k': \"it's\", 'n': none} }}|{{ 1.0 }}",
    "{{ raise_exception('stop here') }}",
]


def main():
    cases = []
    for t in TEMPLATES:
        entry = {"template": t}
        try:
            entry["text"] = _compile_jinja_template(t).render(messages=MESSAGES, d=D, add_generation_prompt=False)
        except Exception as e:  # raise_exception
            entry["error"] = str(e)
        cases.append(entry)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump({"messages": MESSAGES, "d": D, "cases": cases}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(len(cases), "cases")


if __name__ == "__main__":
    main()
