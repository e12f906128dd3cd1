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
 * Anonymous private memory mappings from the C library ({@code mmap}, {@code madvise}, {@code munmap}) on Linux:
 * memory that takes no physical pages until written (unlike {@code Arena.allocate}, which zero-fills, so touches,
 * every page), whose pages can be given back while the mapping stays valid ({@code MADV_DONTNEED}: later reads see
 * zeros, never a fault), and which is unmapped explicitly. Elsewhere {@link #available} is false and
 * {@link HostStaging} falls back to ordinary arenas.
 */
final class AnonymousMemory {

    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    /** No swap reserved up front: a whole model's mappings exist at once, but only one upload's pages at a time. */
    private static final int MAP_NORESERVE = 0x4000;
    private static final int MADV_DONTNEED = 4;

    private static final MethodHandle MMAP;
    private static final MethodHandle MADVISE;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null;
        MethodHandle madvise = null;
        MethodHandle munmap = null;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (os.startsWith("linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Optional<MemorySegment> m = libc.find("mmap");
                Optional<MemorySegment> a = libc.find("madvise");
                Optional<MemorySegment> u = libc.find("munmap");
                if (m.isPresent() && a.isPresent() && u.isPresent()) {
                    mmap = linker.downcallHandle(m.get(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_LONG));
                    madvise = linker.downcallHandle(a.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                    munmap = linker.downcallHandle(u.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
                }
            } catch (RuntimeException restricted) {
                // native access not granted to this module: fall back to arenas
                mmap = null;
            }
        }
        MMAP = mmap;
        MADVISE = madvise;
        MUNMAP = munmap;
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

    /** Unmaps {@code segment} (a whole mapping from {@link #map}); nothing may use it afterwards. */
    static void unmap(MemorySegment segment) {
        int result;
        try {
            result = (int) MUNMAP.invokeExact(segment, segment.byteSize());
        } catch (Throwable e) {
            throw new IllegalStateException("munmap of a " + segment.byteSize() + "-byte mapping", e);
        }
        if (result != 0) {
            throw new IllegalStateException("munmap of a " + segment.byteSize() + "-byte mapping at 0x"
                    + Long.toHexString(segment.address()) + " failed");
        }
    }
}
