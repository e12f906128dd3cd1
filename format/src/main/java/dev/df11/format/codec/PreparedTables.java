package dev.df11.format.codec;

import dev.df11.format.lut.LookupTables;
import dev.df11.format.lut.MultiSymbolTable;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A unit's parsed lookup tables plus the wide table the CPU decoder derives from them. Building the wide table costs
 * a few milliseconds, and a runtime decodes the same unit matrix by matrix, so recent ones are cached by the content
 * of their {@code luts} bytes (never by identity: equal bytes always mean equal tables).
 */
record PreparedTables(LookupTables tables, MultiSymbolTable wide) {

    /** Bits that index the wide table: 2^12 longs are 32 KiB, which stays in a core's L1 cache. */
    static final int WIDE_INDEX_BITS = 12;
    private static final int CACHE_SIZE = 16;

    private static final Map<ByteBuffer, PreparedTables> CACHE = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ByteBuffer, PreparedTables> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** Parses (and validates) the unit's tables, or returns the cached result for identical {@code luts} bytes. */
    static PreparedTables of(Df11Unit unit) {
        MemorySegment luts = unit.luts();
        if (luts.byteSize() > (Df11Layout.MAX_TABLES + 1L) * 256) {
            return build(unit); // parse() reports the bad size
        }
        ByteBuffer key = ByteBuffer.wrap(luts.toArray(ValueLayout.JAVA_BYTE));
        synchronized (CACHE) {
            PreparedTables cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        PreparedTables built = build(unit);
        synchronized (CACHE) {
            CACHE.put(key, built);
        }
        return built;
    }

    private static PreparedTables build(Df11Unit unit) {
        LookupTables tables = unit.lookupTables();
        return new PreparedTables(tables, MultiSymbolTable.build(tables, WIDE_INDEX_BITS));
    }
}
