package io.vigil.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a --plot file whole (to a temporary file beside it, then moved), or says why not and what to do. */
final class HistoryPlotFile {
    private HistoryPlotFile() {}

    static boolean write(Path file, String svg, String command, PrintWriter err) {
        Path dir = file.toAbsolutePath().getParent();
        try {
            Path partial = Files.createTempFile(dir, ".plot-", ".svg");
            Files.writeString(partial, svg, StandardCharsets.UTF_8);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            err.println(command + ": --plot " + file + " cannot be written (" + e.getMessage()
                    + "); is its directory there and writable?");
            err.flush();
            return false;
        }
    }
}
