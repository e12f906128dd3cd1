package dev.df11.lab.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * GPU memory as NVIDIA's driver sees it, read with {@code nvidia-smi} when the host has it: the memory of this process
 * (matched by pid, which fails inside containers with their own pid namespace) and the memory used on the whole
 * device. Empty where nvidia-smi is absent (PoCL, other vendors).
 */
final class GpuMemoryProbe {

    private GpuMemoryProbe() {
    }

    /** Bytes this process holds on NVIDIA GPUs, if nvidia-smi lists it. */
    static OptionalLong processBytes() {
        long pid = ProcessHandle.current().pid();
        long total = 0;
        boolean found = false;
        for (String line : query("--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits")) {
            String[] fields = line.split(",");
            if (fields.length == 2 && fields[0].trim().equals(Long.toString(pid))) {
                total += mebibytes(fields[1]);
                found = true;
            }
        }
        return found ? OptionalLong.of(total) : OptionalLong.empty();
    }

    /** Bytes used on GPU {@code index} (all processes), if nvidia-smi answers. */
    static OptionalLong deviceUsedBytes(int index) {
        List<String> lines = query("--query-gpu=memory.used", "--format=csv,noheader,nounits", "-i",
                Integer.toString(index));
        return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(mebibytes(lines.get(0)));
    }

    /** Total memory of GPU {@code index}, if nvidia-smi answers. */
    static OptionalLong deviceTotalBytes(int index) {
        List<String> lines = query("--query-gpu=memory.total", "--format=csv,noheader,nounits", "-i",
                Integer.toString(index));
        return lines.isEmpty() ? OptionalLong.empty() : OptionalLong.of(mebibytes(lines.get(0)));
    }

    private static long mebibytes(String field) {
        try {
            return Long.parseLong(field.trim()) << 20;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<String> query(String... args) {
        List<String> command = new ArrayList<>(List.of("nvidia-smi"));
        command.addAll(List.of(args));
        List<String> lines = new ArrayList<>();
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (!line.isBlank()) {
                        lines.add(line);
                    }
                }
            }
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroy();
                return List.of();
            }
        } catch (IOException e) {
            return List.of();   // no nvidia-smi here
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
        return lines;
    }
}
