package dev.df11.format.safetensors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors files byte by byte, so tests can write malformed ones. */
public final class RawSafetensors {

    private RawSafetensors() { }

    /** Length prefix + header + data, the header length being the header's real length. */
    public static byte[] bytes(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return bytes(h.length, h, data);
    }

    /** Length prefix (any value) + header bytes + data. */
    public static byte[] bytes(long declaredHeaderLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredHeaderLength).put(header).put(data);
        return b.array();
    }

    public static Path write(Path file, String header, byte[] data) throws IOException {
        return Files.write(file, bytes(header, data));
    }
}
