package dev.df11.runtime.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The decoder-only model families the runtime runs. They share the Llama block (RMSNorm, rotary attention with
 * grouped KV heads, gated MLP) and differ in a few switches that {@link ModelConfig} records; Gemma 3 adds norms
 * and scalings of its own.
 */
public enum Architecture {
    /** Llama 2, 3, 3.1, 3.2 ({@code model_type} "llama"). */
    LLAMA("llama"),
    /** Mistral 7B ({@code model_type} "mistral"): a Llama block with an optional sliding window. */
    MISTRAL("mistral"),
    /** Qwen2 and Qwen2.5 ({@code model_type} "qwen2"): biases on the q, k and v projections. */
    QWEN2("qwen2"),
    /** Qwen3 dense models ({@code model_type} "qwen3"): RMSNorm of every query and key head before rotary. */
    QWEN3("qwen3"),
    /**
     * Gemma 3's language model ({@code model_type} "gemma3_text"): embedding scaled by sqrt(hidden), RMSNorm with
     * weight (1 + w), query and key head norms, norms before and after both attention and the feed-forward,
     * GELU (tanh) MLP, query scale from {@code query_pre_attn_scalar}, interleaved sliding and global layers with
     * their own rope, optional soft-capping of attention scores and final logits.
     */
    GEMMA3("gemma3_text"),
    /**
     * Phi-3 and Phi-4 ({@code model_type} "phi3"): the q, k and v projections fused in {@code qkv_proj}, gate and
     * up in {@code gate_up_proj}, rotary on the first {@code partial_rotary_factor} of each head, often longrope.
     */
    PHI3("phi3");

    private final String modelType;

    Architecture(String modelType) {
        this.modelType = modelType;
    }

    /** The {@code model_type} value in a Hugging Face config.json. */
    public String modelType() {
        return modelType;
    }

    public static Optional<Architecture> fromModelType(String modelType) {
        return Arrays.stream(values()).filter(a -> a.modelType.equals(modelType)).findFirst();
    }
}
