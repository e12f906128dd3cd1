package dev.df11.runtime.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** This process's resident memory as Linux reports it in {@code /proc/self/status}. */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** Peak resident set size (VmHWM), or empty where /proc is not available. */
    public static OptionalLong peakResidentBytes() {
        return field("VmHWM:");
    }

    private static OptionalLong field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);   // reported in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected format: no number rather than a wrong one
        }
        return OptionalLong.empty();
    }
}
