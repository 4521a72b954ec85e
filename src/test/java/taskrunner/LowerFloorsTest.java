package taskrunner;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layering rule, read off the sources: {@code util/} uses nothing of ours; {@code store/}
 * and {@code http/} use nothing of {@code auth/}, {@code core/}, {@code csv/}, {@code tasks/}
 * or a face (the shared top-level {@code Json} and {@code util/} are below them).
 */
class LowerFloorsTest {
    private static final Path SRC = Path.of("src/main/java/taskrunner");
    private static final Pattern ABOVE = Pattern.compile("taskrunner\\.(auth|core|csv|tasks|ui|kazoo|ckan|entryscape)\\.[\\w.]*");
    private static final Pattern ANY_OF_OURS = Pattern.compile("taskrunner\\.(?!util\\b)\\w[\\w.]*");

    private static List<String> uses(String floor, Pattern forbidden) throws IOException {
        var found = new ArrayList<String>();
        try (Stream<Path> files = Files.walk(SRC.resolve(floor))) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String name = SRC.relativize(f).toString().replace('\\', '/');
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("package ")) continue;
                    var m = forbidden.matcher(line);
                    while (m.find()) {
                        found.add(name + " " + m.group());
                    }
                }
            }
        }
        return found;
    }

    @Test
    void storeAndHttpUseNothingAboveThem() throws IOException {
        assertEquals(List.of(), uses("store", ABOVE));
        assertEquals(List.of(), uses("http", ABOVE));
    }

    @Test
    void utilUsesNothingOfOurs() throws IOException {
        assertEquals(List.of(), uses("util", ANY_OF_OURS));
    }
}
