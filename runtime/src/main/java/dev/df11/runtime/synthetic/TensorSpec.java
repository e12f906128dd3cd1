package dev.df11.runtime.synthetic;

import java.util.ArrayList;
import java.util.List;

/**
 * One tensor of a synthetic model: its Hugging Face name and shape, and whether it holds N(0, 0.02) noise (matrices)
 * or ones (norm weights).
 */
record TensorSpec(String name, long[] shape, boolean ones) {

    long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    long byteSize() {
        return 2 * elementCount();
    }

    /** Every tensor of a Llama checkpoint of this shape, in the order Hugging Face lists them. */
    static List<TensorSpec> of(SyntheticShape s) {
        List<TensorSpec> specs = new ArrayList<>();
        long q = (long) s.heads * s.headDim();
        long kv = (long) s.kvHeads * s.headDim();
        specs.add(new TensorSpec("model.embed_tokens.weight", new long[] {s.vocab, s.hidden}, false));
        for (int l = 0; l < s.layers; l++) {
            String p = "model.layers." + l + ".";
            specs.add(new TensorSpec(p + "self_attn.q_proj.weight", new long[] {q, s.hidden}, false));
            specs.add(new TensorSpec(p + "self_attn.k_proj.weight", new long[] {kv, s.hidden}, false));
            specs.add(new TensorSpec(p + "self_attn.v_proj.weight", new long[] {kv, s.hidden}, false));
            specs.add(new TensorSpec(p + "self_attn.o_proj.weight", new long[] {s.hidden, q}, false));
            specs.add(new TensorSpec(p + "mlp.gate_proj.weight", new long[] {s.intermediate, s.hidden}, false));
            specs.add(new TensorSpec(p + "mlp.up_proj.weight", new long[] {s.intermediate, s.hidden}, false));
            specs.add(new TensorSpec(p + "mlp.down_proj.weight", new long[] {s.hidden, s.intermediate}, false));
            specs.add(new TensorSpec(p + "input_layernorm.weight", new long[] {s.hidden}, true));
            specs.add(new TensorSpec(p + "post_attention_layernorm.weight", new long[] {s.hidden}, true));
        }
        specs.add(new TensorSpec("model.norm.weight", new long[] {s.hidden}, true));
        if (!s.tiedEmbeddings) {
            specs.add(new TensorSpec("lm_head.weight", new long[] {s.vocab, s.hidden}, false));
        }
        return specs;
    }
}
