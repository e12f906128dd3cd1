package dev.df11.tornado.forward.weights;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Anonymous private memory mappings from the C library ({@code mmap}, {@code madvise}) on Linux: memory that takes
 * no physical pages until written (unlike {@code Arena.allocate}, which zero-fills, so touches, every page), whose
 * pages can be given back while the mapping stays valid ({@code MADV_DONTNEED}: later reads see zeros, never a
 * fault), and which is retired explicitly (its pages given back, its addresses never reused). Elsewhere
 * {@link #available} is false and {@link HostStaging} falls back to ordinary arenas.
 */
final class AnonymousMemory {

    private static final int PROT_NONE = 0x0;
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    /** No swap reserved up front: a whole model's mappings exist at once, but only one upload's pages at a time. */
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MADV_DONTNEED = 4;

    private static final MethodHandle MMAP;
    private static final MethodHandle MADVISE;

    static {
        MethodHandle mmap = null;
        MethodHandle madvise = null;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Optional<MemorySegment> m = libc.find("mmap");
                Optional<MemorySegment> a = libc.find("madvise");
                if (m.isPresent() && a.isPresent()) {
                    mmap = linker.downcallHandle(m.get(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG));
                    madvise = linker.downcallHandle(a.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                }
            } catch (RuntimeException restricted) {
                // native access not granted to this module: fall back to arenas
                mmap = null;
            }
        }
        MMAP = mmap;
        MADVISE = madvise;
    }

    private AnonymousMemory() {
    }

    /** Whether mappings are available here (Linux on x86-64 or AArch64, with native access). */
    static boolean available() {
        return MMAP != null;
    }

    /**
     * A new mapping of {@code bytes} bytes, zero, with no physical pages yet.
     *
     * @param what what it is for, for the message
     * @throws OutOfMemoryError naming the size and {@code what} when the system refuses the mapping
     */
    static MemorySegment map(long bytes, String what) {
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("mmap of " + bytes + " bytes for " + what, e);
        }
        if (address.address() == -1L || address.address() == 0L) {
            throw new OutOfMemoryError("the system refused a " + bytes + "-byte mapping of host memory for " + what
                    + " (mmap failed)");
        }
        return address.reinterpret(bytes);
    }

    /** Gives back the physical pages of {@code segment} (a whole mapping); it stays mapped and reads as zeros. */
    static boolean discard(MemorySegment segment) {
        try {
            return (int) MADVISE.invokeExact(segment, segment.byteSize(), MADV_DONTNEED) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("madvise of a " + segment.byteSize() + "-byte mapping", e);
        }
    }

    /**
     * Gives back the pages of {@code segment} (a whole mapping from {@link #map}) and keeps its addresses reserved
     * for the rest of the process, inaccessible: {@code mmap(MAP_FIXED, PROT_NONE)} over it. Nothing may use it
     * afterwards; a touch faults.
     *
     * <p>Why not {@code munmap}: the CUDA driver can keep a host range registered ({@code cuMemHostRegister}) after
     * TornadoVM frees the plan that pinned it. When a later mapping (a later model's arrays, or the driver's own
     * pinned staging memory) lands on those addresses, the driver treats it as the old pinned memory: uploads fail
     * with {@code CUDA_ERROR_INVALID_VALUE} or read stale pages, and pinned allocations fail with
     * {@code CUDA_ERROR_ALREADY_MAPPED} (seen on an H100: the second model loaded in one process; KERNEL-NOTES).
     * Addresses that are never handed out again cannot alias. The cost is address space only.
     */
    static void retire(MemorySegment segment) {
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(segment, segment.byteSize(), PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("mmap(MAP_FIXED) over a " + segment.byteSize() + "-byte mapping", e);
        }
        if (address.address() != segment.address()) {
            throw new IllegalStateException("retiring a " + segment.byteSize() + "-byte mapping at 0x"
                    + Long.toHexString(segment.address()) + " failed (mmap returned 0x"
                    + Long.toHexString(address.address()) + ")");
        }
    }
}
