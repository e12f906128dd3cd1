// What the GPU can do with df11's BF16 weight layouts at batch 1, written in CUDA C so that nothing between the
// algorithm and the machine code is TornadoVM's: the ceiling the Java kernels are measured against (issue 17).
//
//   nvcc -O3 -arch=sm_90 -o matvec_ceiling kernel-lab/cuda/matvec_ceiling.cu -lcublas && ./matvec_ceiling [reps]
//
// Every kernel computes out = W x for a BF16 matrix W (rows x cols) and an fp32 vector x, accumulating in fp32:
//   read      a pure read of the BF16 bytes (16-byte loads, no arithmetic): the ceiling of any matrix-vector kernel
//   tornado   MatVecKernels.matVec's batch-1 path line for line: planes layout (an exponent byte plane and a
//             sign/mantissa byte plane, four weights per int), 4-byte loads, 4-quad unroll, the 512-entry scale
//             table in shared memory (lookup, int-to-float conversion, multiply per weight), quad-major x, 2 rows per
//             group of 128, shared-memory tree reduction. Tells how far TornadoVM's code generation is from nvcc's.
//   planes16  the planes layout read 16 bytes at a time (16 weights per pair of loads), a warp per row, the same
//             table widening
//   twotable  planes16 with the widening from two 256-entry tables (signed significand by sign/mantissa byte, power
//             of two by exponent): no int-to-float conversion; exact except for subnormal weights (none here)
//   bits      planes16 with the widening by bit construction (__int_as_float): the best the planes layout can do
//   bf16      the official BF16 layout read 16 bytes at a time, widened by a shift: a cuBLAS-class matrix-vector
//   cublas    cublasGemmEx with BF16 W and x, fp32 accumulation (the peer; x rounded to BF16)
// and what TornadoVM 5.2 can express (it emits only scalar loads: int or long; activations read one float at a time,
// stored so that a row's lanes read consecutive floats; the table widening):
//   i4w64t    4-byte loads, 64 work-items a row, shared-memory tree (the tornado kernel through the generic code)
//   i4w32s    4-byte loads, a warp a row, shuffles
//   l8w64t, l8w32t, l8w32s, l8w32s4   8-byte loads (longs) with 64 or 32 a row, tree or shuffles, 2 or 4 in flight
//   bf16t8, bf16t16   the BF16 layout (one stream) with the table widening, 8- and 16-byte loads, a warp a row
// Each is checked against a float64 host reference (relative L2 error), then timed with CUDA events (median of reps,
// rotating among enough copies of W that no launch finds it in L2). Last, the step of the Llama-3.1-8B shape (32
// layers of q|k|v, o, gate|up, down, plus lm_head) as the sum of the medians.
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <type_traits>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#define CHECK(call)                                                                                              \
    do {                                                                                                         \
        cudaError_t e_ = (call);                                                                                 \
        if (e_ != cudaSuccess) {                                                                                 \
            fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_));               \
            exit(1);                                                                                             \
        }                                                                                                        \
    } while (0)

// ---- the scale tables ----
__constant__ float c_scale[512];   // sign << 8 | e -> +-2^(max(e,1) - 134)   (Bf16Scales.table)
__constant__ float c_signif[256];  // sign/mantissa byte -> +-(128 + m)
__constant__ float c_pow2[256];    // e -> 2^(e - 134), 0 for e = 0

// ---- read ceiling ----
__global__ void k_read(const uint4 *w, size_t n16, unsigned *sink) {
    unsigned acc = 0;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n16; i += (size_t)gridDim.x * blockDim.x) {
        uint4 v = __ldg(w + i);
        acc ^= v.x ^ v.y ^ v.z ^ v.w;
    }
    if (acc == 0x12345678u) sink[0] = acc;  // keeps the loads alive
}

// ---- tornado: MatVecKernels.matVec (batch 1) ----
__device__ __forceinline__ float widenPlanes(int e, int sm, const float *table) {
    int significand = sm & 0x7F;
    if (e != 0) significand |= 0x80;
    return (float)significand * table[((sm & 0x80) << 1) | e];
}

__global__ void k_tornado(const int *exps, const int *sms, int rows, int cols, const float *x, float *out,
                          int rowsPerGroup) {
    __shared__ float table[512];
    __shared__ float partial[1024];
    int lane = threadIdx.x, size = blockDim.x, width = size / rowsPerGroup, slot = lane / width;
    int sub = lane - slot * width, row = blockIdx.x * rowsPerGroup + slot;
    int limit = row < rows ? cols : 0;
    for (int i = lane; i < 512; i += size) table[i] = c_scale[i];
    __syncthreads();
    size_t base = (size_t)row * cols / 4;
    int quads = limit / 4, quarter = cols / 4, step = 4 * width;
    int remaining = max(quads - sub, 0);
    int unrolled = sub + remaining / step * step;
    float sum = 0.0f;
#define QUAD(E, S, XK)                                                                                            \
    {                                                                                                             \
        int e_ = (E), s_ = (S), xk_ = (XK);                                                                       \
        float w0 = widenPlanes(e_ & 0xFF, s_ & 0xFF, table), w1 = widenPlanes(e_ >> 8 & 0xFF, s_ >> 8 & 0xFF, table); \
        float w2 = widenPlanes(e_ >> 16 & 0xFF, s_ >> 16 & 0xFF, table);                                          \
        float w3 = widenPlanes(e_ >> 24 & 0xFF, s_ >> 24 & 0xFF, table);                                          \
        sum += w0 * x[xk_] + w1 * x[xk_ + quarter] + w2 * x[xk_ + 2 * quarter] + w3 * x[xk_ + 3 * quarter];       \
    }
    for (int k = sub; k < unrolled; k += step) {
        int e0 = exps[base + k], s0 = sms[base + k];
        int e1 = exps[base + k + width], s1 = sms[base + k + width];
        int e2 = exps[base + k + 2 * width], s2 = sms[base + k + 2 * width];
        int e3 = exps[base + k + 3 * width], s3 = sms[base + k + 3 * width];
        QUAD(e0, s0, k) QUAD(e1, s1, k + width) QUAD(e2, s2, k + 2 * width) QUAD(e3, s3, k + 3 * width)
    }
    for (int k = unrolled; k < quads; k += width) QUAD(exps[base + k], sms[base + k], k)
#undef QUAD
    partial[lane] = sum;
    __syncthreads();
    for (int stride = width / 2; stride > 0; stride >>= 1) {
        if (sub < stride) partial[lane] += partial[lane + stride];
        __syncthreads();
    }
    if (sub == 0 && limit > 0) out[row] = partial[lane];
}

// ---- what TornadoVM can express: scalar loads of 4 or 8 bytes (int, long), scalar activation loads from a layout
// where a row's lanes read consecutive floats ("V-major": element V m + j at j cols / V + m for V weights per load),
// the table widening, and a shared-memory tree or (a warp per row) shuffles ----
template <typename WORD>
__device__ __forceinline__ int byteOf(WORD w, int j) { return (int)((w >> (8 * j)) & 0xFF); }

// planes layout: BYTES per load of each plane (4: int, 8: long), WIDTH work-items per row, UNR loads in flight each
template <int BYTES, int WIDTH, int UNR, bool SHUFFLE>
__global__ void k_scalar(const void *expsV, const void *smsV, int rows, int cols, const float *x, float *out) {
    typedef typename std::conditional<BYTES == 8, unsigned long long, unsigned>::type WORD;
    const WORD *exps = (const WORD *)expsV, *sms = (const WORD *)smsV;
    __shared__ float table[512];
    __shared__ float partial[1024];
    for (int i = threadIdx.x; i < 512; i += blockDim.x) table[i] = c_scale[i];
    __syncthreads();
    int lane = threadIdx.x, slot = lane / WIDTH, sub = lane % WIDTH;
    int row = blockIdx.x * (blockDim.x / WIDTH) + slot;
    int words = row < rows ? cols / BYTES : 0;
    int stride = cols / BYTES;
    size_t base = (size_t)row * stride;
    float sum = 0.0f;
    int k = sub;
    for (; k + (UNR - 1) * WIDTH < words; k += UNR * WIDTH) {
        WORD e[UNR], m[UNR];
#pragma unroll
        for (int u = 0; u < UNR; u++) {
            e[u] = exps[base + k + u * WIDTH];
            m[u] = sms[base + k + u * WIDTH];
        }
#pragma unroll
        for (int u = 0; u < UNR; u++) {
#pragma unroll
            for (int j = 0; j < BYTES; j++)
                sum += widenPlanes(byteOf(e[u], j), byteOf(m[u], j), table) * x[j * stride + k + u * WIDTH];
        }
    }
    for (; k < words; k += WIDTH) {
        WORD e = exps[base + k], m = sms[base + k];
#pragma unroll
        for (int j = 0; j < BYTES; j++) sum += widenPlanes(byteOf(e, j), byteOf(m, j), table) * x[j * stride + k];
    }
    if (SHUFFLE && WIDTH == 32) {
        for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
        if (sub == 0 && row < rows) out[row] = sum;
    } else {
        partial[lane] = sum;
        __syncthreads();
        for (int s = WIDTH / 2; s > 0; s >>= 1) {
            if (sub < s) partial[lane] += partial[lane + s];
            __syncthreads();
        }
        if (sub == 0 && row < rows) out[row] = partial[lane];
    }
}

// the BF16 layout with the table widening: BYTES per load (8: long, four weights; 16: uint4, eight)
__device__ __forceinline__ float widenBits(int bits, const float *table) {
    int significand = bits & 0x7F;
    if ((bits & 0x7F80) != 0) significand |= 0x80;
    return (float)significand * table[(bits >> 7) & 0x1FF];
}

template <int BYTES>
__global__ void k_bf16table(const void *wV, int rows, int cols, const float *x, float *out) {
    __shared__ float table[512];
    for (int i = threadIdx.x; i < 512; i += blockDim.x) table[i] = c_scale[i];
    __syncthreads();
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int row = blockIdx.x * (blockDim.x / 32) + warp;
    if (row >= rows) return;
    const int V = BYTES / 2;  // weights per load
    int words = cols / V, stride = words;
    float sum = 0.0f;
    if (BYTES == 8) {
        const unsigned long long *w = (const unsigned long long *)wV + (size_t)row * words;
        for (int k = lane; k < words; k += 32) {
            unsigned long long v = w[k];
#pragma unroll
            for (int j = 0; j < 4; j++) sum += widenBits((int)((v >> (16 * j)) & 0xFFFF), table) * x[j * stride + k];
        }
    } else {
        const uint4 *w = (const uint4 *)wV + (size_t)row * words;
        for (int k = lane; k < words; k += 32) {
            uint4 v = w[k];
            unsigned p[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
            for (int j = 0; j < 8; j++)
                sum += widenBits((int)((p[j / 2] >> (16 * (j % 2))) & 0xFFFF), table) * x[j * stride + k];
        }
    }
    for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
    if (lane == 0) out[row] = sum;
}

// ---- 16-byte loads, a warp per row; WIDEN selects the widening ----
enum Widen { TABLE = 0, TWO_TABLE = 1, BITS = 2 };

template <int WIDEN>
__device__ __forceinline__ float widen(unsigned e, unsigned sm, const float *scale, const float *signif,
                                       const float *pow2) {
    if (WIDEN == TABLE) {
        int significand = (sm & 0x7F) | (e != 0 ? 0x80 : 0);
        return (float)significand * scale[((sm & 0x80) << 1) | e];
    } else if (WIDEN == TWO_TABLE) {
        return signif[sm] * pow2[e];
    } else {
        return __int_as_float((int)(((sm & 0x80u) << 24) | (e << 23) | ((sm & 0x7Fu) << 16)));
    }
}

template <int WIDEN>
__device__ __forceinline__ float dotWord(unsigned e, unsigned s, const float4 &xv, const float *scale,
                                         const float *signif, const float *pow2) {
    float w0 = widen<WIDEN>(e & 0xFF, s & 0xFF, scale, signif, pow2);
    float w1 = widen<WIDEN>(e >> 8 & 0xFF, s >> 8 & 0xFF, scale, signif, pow2);
    float w2 = widen<WIDEN>(e >> 16 & 0xFF, s >> 16 & 0xFF, scale, signif, pow2);
    float w3 = widen<WIDEN>(e >> 24, s >> 24, scale, signif, pow2);
    return w0 * xv.x + w1 * xv.y + w2 * xv.z + w3 * xv.w;
}

template <int WIDEN>
__global__ void k_planes16(const uint4 *exps, const uint4 *sms, int rows, int cols, const float4 *x, float *out) {
    __shared__ float scale[512], signif[256], pow2[256];
    for (int i = threadIdx.x; i < 512; i += blockDim.x) scale[i] = c_scale[i];
    for (int i = threadIdx.x; i < 256; i += blockDim.x) {
        signif[i] = c_signif[i];
        pow2[i] = c_pow2[i];
    }
    __syncthreads();
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int row = blockIdx.x * (blockDim.x / 32) + warp;
    if (row >= rows) return;
    int per = cols / 16;  // 16-byte words per row of each plane
    const uint4 *e = exps + (size_t)row * per, *s = sms + (size_t)row * per;
    float sum = 0.0f;
    for (int i = lane; i < per; i += 32) {
        uint4 ev = __ldg(e + i), sv = __ldg(s + i);
        const float4 *xi = x + 4 * i;
        sum += dotWord<WIDEN>(ev.x, sv.x, xi[0], scale, signif, pow2);
        sum += dotWord<WIDEN>(ev.y, sv.y, xi[1], scale, signif, pow2);
        sum += dotWord<WIDEN>(ev.z, sv.z, xi[2], scale, signif, pow2);
        sum += dotWord<WIDEN>(ev.w, sv.w, xi[3], scale, signif, pow2);
    }
    for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
    if (lane == 0) out[row] = sum;
}

// ---- the BF16 layout, 16-byte loads, a warp per row ----
__device__ __forceinline__ float lo(unsigned v) { return __int_as_float((int)(v << 16)); }
__device__ __forceinline__ float hi(unsigned v) { return __int_as_float((int)(v & 0xFFFF0000u)); }

__global__ void k_bf16(const uint4 *w, int rows, int cols, const float4 *x, float *out) {
    int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    int row = blockIdx.x * (blockDim.x / 32) + warp;
    if (row >= rows) return;
    int per = cols / 8;
    const uint4 *r = w + (size_t)row * per;
    float sum = 0.0f;
    for (int i = lane; i < per; i += 32) {
        uint4 v = __ldg(r + i);
        float4 a = x[2 * i], b = x[2 * i + 1];
        sum += lo(v.x) * a.x + hi(v.x) * a.y + lo(v.y) * a.z + hi(v.y) * a.w;
        sum += lo(v.z) * b.x + hi(v.z) * b.y + lo(v.w) * b.z + hi(v.w) * b.w;
    }
    for (int o = 16; o > 0; o >>= 1) sum += __shfl_xor_sync(0xffffffffu, sum, o);
    if (lane == 0) out[row] = sum;
}

// ---- host ----
static float bf16ToFloat(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint16_t floatToBf16(float f) {  // round to nearest even; no subnormals, no NaN here
    uint32_t u;
    memcpy(&u, &f, 4);
    u += 0x7FFF + ((u >> 16) & 1);
    return (uint16_t)(u >> 16);
}

static uint64_t rngState = 0x9E3779B97F4A7C15ull;
static uint32_t next16() {  // xorshift64*: fast enough for half a billion weights
    rngState ^= rngState >> 12;
    rngState ^= rngState << 25;
    rngState ^= rngState >> 27;
    return (uint32_t)((rngState * 0x2545F4914F6CDD1Dull) >> 48);
}

struct Shape {
    const char *name;
    int rows, cols, perStep;  // perStep: how many times the 8B step multiplies by this matrix
};

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 50;
    cudaDeviceProp prop;
    CHECK(cudaGetDeviceProperties(&prop, 0));
    printf("device %s, %d SMs, L2 %d MB\n", prop.name, prop.multiProcessorCount, prop.l2CacheSize >> 20);
    {
        float scale[512], signif[256], pow2[256];
        for (int i = 0; i < 512; i++) scale[i] = ((i & 0x100) ? -1.0f : 1.0f) * ldexpf(1.0f, std::max(i & 0xFF, 1) - 134);
        for (int i = 0; i < 256; i++) {
            signif[i] = ((i & 0x80) ? -1.0f : 1.0f) * (float)(128 + (i & 0x7F));
            pow2[i] = i == 0 ? 0.0f : ldexpf(1.0f, i - 134);
        }
        CHECK(cudaMemcpyToSymbol(c_scale, scale, sizeof scale));
        CHECK(cudaMemcpyToSymbol(c_signif, signif, sizeof signif));
        CHECK(cudaMemcpyToSymbol(c_pow2, pow2, sizeof pow2));
    }
    cublasHandle_t cublas;
    if (cublasCreate(&cublas) != CUBLAS_STATUS_SUCCESS) { fprintf(stderr, "cublasCreate failed\n"); return 1; }
    Shape shapes[] = {{"q|k|v", 6144, 4096, 32}, {"o", 4096, 4096, 32}, {"gate|up", 28672, 4096, 32},
                      {"down", 4096, 14336, 32}, {"lm_head", 128256, 4096, 1}};
    const char *names[] = {"read", "tornado", "planes16", "twotable", "bits", "bf16", "cublas",
                           "i4w64t", "i4w32s", "l8w64t", "l8w32t", "l8w32s", "l8w32s4", "bf16t8", "bf16t16"};
    const int kinds = 15;
    std::vector<double> stepMs(kinds, 0.0);
    cudaEvent_t start, stop;
    CHECK(cudaEventCreate(&start));
    CHECK(cudaEventCreate(&stop));
    printf("%-8s %-9s %10s %9s %9s  %s\n", "matrix", "kernel", "median ms", "spread", "BF16 GB/s", "rel. L2 error");
    for (const Shape &sh : shapes) {
        size_t n = (size_t)sh.rows * sh.cols, bytes = 2 * n;
        int copies = (int)std::max<size_t>(1, (4 * (size_t)prop.l2CacheSize + bytes - 1) / bytes);
        // Host data: N(0, 0.02)-ish weights (sum of uniforms), x in [-1, 1).
        std::vector<uint16_t> w(n);
        std::vector<uint8_t> ep(n), sp(n);
        for (size_t i = 0; i < n; i++) {
            float u = ((float)next16() + next16() + next16() - 98302.5f) / 65536.0f * 0.035f;
            w[i] = floatToBf16(u);
            if ((w[i] & 0x7F80) == 0) w[i] = 0x3C00;  // no zeros or subnormals (twotable is exact only then)
            ep[i] = (uint8_t)(w[i] >> 7);
            sp[i] = (uint8_t)(((w[i] >> 8) & 0x80) | (w[i] & 0x7F));
        }
        std::vector<float> x(sh.cols), xq(sh.cols);
        std::vector<uint16_t> xb(sh.cols);
        for (int c = 0; c < sh.cols; c++) x[c] = next16() / 32768.0f - 1.0f;
        for (int c = 0; c < sh.cols; c++) xq[(c & 3) * (sh.cols / 4) + (c >> 2)] = x[c];
        std::vector<float> xo(sh.cols);
        for (int c = 0; c < sh.cols; c++) xo[(c & 7) * (sh.cols / 8) + (c >> 3)] = x[c];
        for (int c = 0; c < sh.cols; c++) xb[c] = floatToBf16(x[c]);
        std::vector<double> ref(sh.rows), refb(sh.rows);
        for (int r = 0; r < sh.rows; r++) {
            double s = 0, sb = 0;
            for (int c = 0; c < sh.cols; c++) {
                double wv = bf16ToFloat(w[(size_t)r * sh.cols + c]);
                s += wv * x[c];
                sb += wv * bf16ToFloat(xb[c]);
            }
            ref[r] = s;
            refb[r] = sb;
        }
        std::vector<uint16_t *> dw(copies);
        std::vector<uint8_t *> de(copies), ds(copies);
        for (int i = 0; i < copies; i++) {
            CHECK(cudaMalloc(&dw[i], bytes));
            CHECK(cudaMalloc(&de[i], n));
            CHECK(cudaMalloc(&ds[i], n));
            CHECK(cudaMemcpy(dw[i], w.data(), bytes, cudaMemcpyHostToDevice));
            CHECK(cudaMemcpy(de[i], ep.data(), n, cudaMemcpyHostToDevice));
            CHECK(cudaMemcpy(ds[i], sp.data(), n, cudaMemcpyHostToDevice));
        }
        float *dx, *dxq, *dxo, *dout;
        uint16_t *dxb;
        unsigned *sink;
        CHECK(cudaMalloc(&dx, sh.cols * 4));
        CHECK(cudaMalloc(&dxq, sh.cols * 4));
        CHECK(cudaMalloc(&dxo, sh.cols * 4));
        CHECK(cudaMalloc(&dxb, sh.cols * 2));
        CHECK(cudaMalloc(&dout, sh.rows * 4));
        CHECK(cudaMalloc(&sink, 4));
        CHECK(cudaMemcpy(dx, x.data(), sh.cols * 4, cudaMemcpyHostToDevice));
        CHECK(cudaMemcpy(dxq, xq.data(), sh.cols * 4, cudaMemcpyHostToDevice));
        CHECK(cudaMemcpy(dxo, xo.data(), sh.cols * 4, cudaMemcpyHostToDevice));
        CHECK(cudaMemcpy(dxb, xb.data(), sh.cols * 2, cudaMemcpyHostToDevice));
        const float one = 1.0f, zero = 0.0f;
        auto launch = [&](int kind, int c) {
            int warpsPerBlock = 4;
            int blocks = (sh.rows + warpsPerBlock - 1) / warpsPerBlock;
            switch (kind) {
                case 0: k_read<<<prop.multiProcessorCount * 8, 512>>>((const uint4 *)dw[c], bytes / 16, sink); break;
                case 1: k_tornado<<<(sh.rows + 1) / 2, 128>>>((const int *)de[c], (const int *)ds[c], sh.rows, sh.cols, dxq, dout, 2); break;
                case 2: k_planes16<TABLE><<<blocks, 128>>>((const uint4 *)de[c], (const uint4 *)ds[c], sh.rows, sh.cols, (const float4 *)dx, dout); break;
                case 3: k_planes16<TWO_TABLE><<<blocks, 128>>>((const uint4 *)de[c], (const uint4 *)ds[c], sh.rows, sh.cols, (const float4 *)dx, dout); break;
                case 4: k_planes16<BITS><<<blocks, 128>>>((const uint4 *)de[c], (const uint4 *)ds[c], sh.rows, sh.cols, (const float4 *)dx, dout); break;
                case 5: k_bf16<<<blocks, 128>>>((const uint4 *)dw[c], sh.rows, sh.cols, (const float4 *)dx, dout); break;
                case 6:
                    if (cublasGemmEx(cublas, CUBLAS_OP_T, CUBLAS_OP_N, sh.rows, 1, sh.cols, &one, dw[c], CUDA_R_16BF,
                                     sh.cols, dxb, CUDA_R_16BF, sh.cols, &zero, dout, CUDA_R_32F, sh.rows,
                                     CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT) != CUBLAS_STATUS_SUCCESS) {
                        fprintf(stderr, "cublasGemmEx failed\n");
                        exit(1);
                    }
                    break;
                case 7: k_scalar<4, 64, 4, false><<<(sh.rows + 1) / 2, 128>>>(de[c], ds[c], sh.rows, sh.cols, dxq, dout); break;
                case 8: k_scalar<4, 32, 4, true><<<blocks, 128>>>(de[c], ds[c], sh.rows, sh.cols, dxq, dout); break;
                case 9: k_scalar<8, 64, 2, false><<<(sh.rows + 1) / 2, 128>>>(de[c], ds[c], sh.rows, sh.cols, dxo, dout); break;
                case 10: k_scalar<8, 32, 2, false><<<blocks, 128>>>(de[c], ds[c], sh.rows, sh.cols, dxo, dout); break;
                case 11: k_scalar<8, 32, 2, true><<<blocks, 128>>>(de[c], ds[c], sh.rows, sh.cols, dxo, dout); break;
                case 12: k_scalar<8, 32, 4, true><<<blocks, 128>>>(de[c], ds[c], sh.rows, sh.cols, dxo, dout); break;
                case 13: k_bf16table<8><<<blocks, 128>>>(dw[c], sh.rows, sh.cols, dxq, dout); break;
                case 14: k_bf16table<16><<<blocks, 128>>>(dw[c], sh.rows, sh.cols, dxo, dout); break;
            }
            CHECK(cudaGetLastError());
        };
        for (int kind = 0; kind < kinds; kind++) {
            double err = 0;
            if (kind > 0) {
                CHECK(cudaMemset(dout, 0xFF, sh.rows * 4));  // NaN: an unwritten output fails the check
                launch(kind, 0);
                CHECK(cudaDeviceSynchronize());
                std::vector<float> got(sh.rows);
                CHECK(cudaMemcpy(got.data(), dout, sh.rows * 4, cudaMemcpyDeviceToHost));
                const std::vector<double> &rf = kind == 6 ? refb : ref;
                double num = 0, den = 0;
                for (int r = 0; r < sh.rows; r++) {
                    double d = got[r] - rf[r];
                    num += d * d;
                    den += rf[r] * rf[r];
                }
                err = std::isnan(num) ? NAN : std::sqrt(num / den);
            }
            for (int i = 0; i < 5; i++) launch(kind, i % copies);
            std::vector<float> ms(reps);
            for (int i = 0; i < reps; i++) {
                CHECK(cudaEventRecord(start));
                launch(kind, i % copies);
                CHECK(cudaEventRecord(stop));
                CHECK(cudaEventSynchronize(stop));
                CHECK(cudaEventElapsedTime(&ms[i], start, stop));
            }
            std::sort(ms.begin(), ms.end());
            double med = ms[reps / 2];
            stepMs[kind] += med * sh.perStep;
            printf("%-8s %-9s %10.4f %9.4f %9.0f  ", sh.name, names[kind], med, ms[reps * 9 / 10] - ms[reps / 10],
                   bytes / med / 1e6);
            if (kind == 0) printf("-\n"); else printf("%.2e\n", err);
        }
        for (int i = 0; i < copies; i++) {
            CHECK(cudaFree(dw[i]));
            CHECK(cudaFree(de[i]));
            CHECK(cudaFree(ds[i]));
        }
        CHECK(cudaFree(dx));
        CHECK(cudaFree(dxq));
        CHECK(cudaFree(dxo));
        CHECK(cudaFree(dxb));
        CHECK(cudaFree(dout));
        CHECK(cudaFree(sink));
    }
    printf("\nLlama-3.1-8B step, weights only (sum of medians):\n");
    for (int kind = 0; kind < kinds; kind++)
        printf("  %-9s %7.2f ms  (%.2fx the read ceiling)\n", names[kind], stepMs[kind], stepMs[kind] / stepMs[0]);
    cublasDestroy(cublas);
    return 0;
}
