package dev.df11.format.model;

import java.nio.file.Path;

/**
 * Child-JVM main of {@link StagingDirectoryTest}: creates a staging folder for {@code args[1]}, prints its path, then
 * either dies at once without running shutdown hooks, as {@code kill -9} or a JVM crash would ({@code die}), or keeps
 * it until its stdin closes ({@code hold}).
 */
public final class StagingChild {

    private StagingChild() { }

    public static void main(String[] args) throws Exception {
        StagingDirectory staging = StagingDirectory.create(Path.of(args[1]), false);
        System.out.println(staging.path());
        System.out.flush();
        if (args[0].equals("die")) {
            Runtime.getRuntime().halt(137);
        }
        while (System.in.read() >= 0) {
            // hold the staging folder until the parent closes our stdin
        }
        staging.close();
    }
}
