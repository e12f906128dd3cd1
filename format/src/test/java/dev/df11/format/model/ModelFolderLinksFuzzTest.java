package dev.df11.format.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Symbolic links among a model folder's extra files (issue 11, "local file leak"), fuzzed: random mixes of regular
 * files and links that lead inside the input, outside it (absolute, relative, climbing out and back in, through a
 * linked folder, through another link, into a sibling whose name starts like the input's), to folders, to the input
 * itself, or nowhere; the input is given directly or through a link. Whatever the mix, {@link
 * ModelFolder#copyOtherFiles} copies exactly the regular files and the links whose real target is a regular file
 * inside the input, as regular files with that content, and names every other link in a notice: no byte from outside
 * the input ever reaches the output, and no link is created there.
 */
class ModelFolderLinksFuzzTest {

    /** What one top-level entry of the input folder is. */
    enum Kind {
        REGULAR(true),
        LINK_TO_FILE_INSIDE(true),
        LINK_CLIMBING_OUT_AND_BACK_IN(true),
        LINK_TO_FILE_OUTSIDE(false),
        LINK_CLIMBING_OUT(false),
        LINK_INTO_SIBLING_WITH_THE_INPUTS_NAME_AS_PREFIX(false),
        LINK_THROUGH_A_LINKED_FOLDER_OUTSIDE(false),
        LINK_TO_A_LINK_OUTSIDE(false),
        LINK_TO_FOLDER_INSIDE(false),
        LINK_TO_FOLDER_OUTSIDE(false),
        LINK_TO_THE_INPUT_ITSELF(false),
        BROKEN_LINK(false);

        /** Whether the entry must be copied (as a regular file with the content inside the input). */
        final boolean copied;

        Kind(boolean copied) {
            this.copied = copied;
        }
    }

    private static final String SECRET = "SECRET, never to be copied";

    @Provide
    Arbitrary<List<Kind>> entries() {
        return Arbitraries.of(Kind.class).list().ofMinSize(1).ofMaxSize(10);
    }

    @Property(tries = 60)
    void onlyFilesInsideTheInputAreCopiedAndEveryOtherLinkIsNamed(@ForAll("entries") List<Kind> kinds,
            @ForAll boolean absoluteTargets, @ForAll boolean inputThroughALink) throws IOException {
        Path root = Files.createTempDirectory("df11-links");
        try {
            Path in = Files.createDirectory(root.resolve("in"));
            Path outside = Files.createDirectory(root.resolve("outside"));
            Path sibling = Files.createDirectory(root.resolve("in-evil"));
            Path out = Files.createDirectory(root.resolve("out"));
            Files.writeString(outside.resolve("secret.txt"), SECRET);
            Files.writeString(sibling.resolve("secret.txt"), SECRET);
            // hidden, so not copied themselves: a folder of data inside the input, a link to the outside folder, and
            // a link to the outside file that other links may point at
            Path data = Files.createDirectory(in.resolve(".data"));
            Files.createSymbolicLink(in.resolve(".outlink"), absoluteTargets ? outside : Path.of("../outside"));
            Files.createSymbolicLink(in.resolve(".secretlink"), outside.resolve("secret.txt"));

            Map<String, String> expectedContent = new TreeMap<>();
            Set<String> expectedRefused = new TreeSet<>();
            for (int i = 0; i < kinds.size(); i++) {
                Kind kind = kinds.get(i);
                String name = "f" + i + ".txt";
                Path entry = in.resolve(name);
                String inside = "inside " + i;
                Files.writeString(data.resolve("d" + i), inside);
                Path target = switch (kind) {
                    case REGULAR -> null;
                    case LINK_TO_FILE_INSIDE -> absoluteTargets ? data.resolve("d" + i) : Path.of(".data/d" + i);
                    case LINK_CLIMBING_OUT_AND_BACK_IN -> Path.of("../in/.data/d" + i);
                    case LINK_TO_FILE_OUTSIDE -> outside.resolve("secret.txt");
                    case LINK_CLIMBING_OUT -> Path.of("../outside/secret.txt");
                    case LINK_INTO_SIBLING_WITH_THE_INPUTS_NAME_AS_PREFIX ->
                            absoluteTargets ? sibling.resolve("secret.txt") : Path.of("../in-evil/secret.txt");
                    case LINK_THROUGH_A_LINKED_FOLDER_OUTSIDE -> Path.of(".outlink/secret.txt");
                    case LINK_TO_A_LINK_OUTSIDE -> Path.of(".secretlink");
                    case LINK_TO_FOLDER_INSIDE -> Path.of(".data");
                    case LINK_TO_FOLDER_OUTSIDE -> absoluteTargets ? outside : Path.of("../outside");
                    case LINK_TO_THE_INPUT_ITSELF -> absoluteTargets ? in : Path.of(".");
                    case BROKEN_LINK -> Path.of("missing-" + i);
                };
                if (target == null) {
                    Files.writeString(entry, inside);
                } else {
                    Files.createSymbolicLink(entry, target);
                }
                if (kind.copied) {
                    expectedContent.put(name, inside);
                } else {
                    expectedRefused.add(name);
                }
            }
            Path from = inputThroughALink ? Files.createSymbolicLink(root.resolve("link-to-in"), in) : in;

            List<String> notices = ModelFolder.copyOtherFiles(from, out);

            Map<String, String> copied = new TreeMap<>();
            try (Stream<Path> s = Files.list(out)) {
                for (Path p : s.toList()) {
                    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        throw new AssertionError(p + " in the output is not a regular file; kinds " + kinds);
                    }
                    copied.put(p.getFileName().toString(), Files.readString(p));
                }
            }
            if (!copied.equals(expectedContent)) {
                throw new AssertionError("copied " + copied + ", expected " + expectedContent + "; kinds " + kinds
                        + ", absolute " + absoluteTargets + ", input through a link " + inputThroughALink);
            }
            Map<String, String> named = new HashMap<>();
            for (String n : notices) {
                if (!n.startsWith("'") || !n.contains("' not copied: ")) {
                    throw new AssertionError("notice does not name the file: " + n);
                }
                named.put(n.substring(1, n.indexOf("' not copied: ")), n);
            }
            if (!named.keySet().equals(expectedRefused) || named.size() != notices.size()) {
                throw new AssertionError("notices " + notices + ", expected one for each of " + expectedRefused
                        + "; kinds " + kinds);
            }
            Set<String> leaked = named.values().stream().filter(n -> n.contains(SECRET)).collect(Collectors.toSet());
            if (!leaked.isEmpty()) {
                throw new AssertionError("a notice carries the content of a file outside the input: " + leaked);
            }
        } finally {
            StagingDirectory.deleteRecursively(root);
        }
    }
}
