package org.edgefm.agent.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgefm.api.EdgeFmException;

/**
 * Checks that a {@code .npy} file is whole before ND4J reads it: ND4J maps the data the header
 * promises without comparing it with the file's length, so a truncated file would load as garbage
 * weights instead of failing. Reads only the header (format versions 1 to 3).
 */
final class NpyHeader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'[<>|=]?[a-zA-Z](\\d+)'");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyHeader() {
    }

    /**
     * Refuses a file that is not a {@code .npy} file or holds fewer data bytes than its header says.
     *
     * @param file  the file
     * @param owner what reads it, to start the message ({@code kernel 'head'})
     * @throws EdgeFmException one line naming the file and the problem
     */
    static void checkWhole(Path file, String owner) {
        String prefix = owner + ": weights file " + file;
        long size;
        byte[] head = new byte[12];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            size = Files.size(file);
            read = in.readNBytes(head, 0, head.length);
            if (read < 10 || !startsWithMagic(head)) {
                throw new EdgeFmException(prefix + " is not a valid .npy file (no NUMPY header)");
            }
            int major = head[6] & 0xff;
            long headerLen = major == 1 ? (head[8] & 0xff) | (head[9] & 0xff) << 8
                    : (head[8] & 0xffL) | (head[9] & 0xffL) << 8 | (head[10] & 0xffL) << 16 | (head[11] & 0xffL) << 24;
            int dataStart = major == 1 ? 10 : 12;
            if (headerLen > 1 << 20 || dataStart + headerLen > size) {
                throw new EdgeFmException(prefix + " is not a valid .npy file (header longer than the file)");
            }
            byte[] dict = new byte[(int) headerLen];
            System.arraycopy(head, dataStart, dict, 0, Math.max(0, read - dataStart));
            int have = Math.max(0, read - dataStart);
            if (in.readNBytes(dict, have, dict.length - have) != dict.length - have) {
                throw new EdgeFmException(prefix + " is not a valid .npy file (header cut short)");
            }
            long expected = dataBytes(new String(dict, StandardCharsets.ISO_8859_1), prefix);
            long data = size - dataStart - headerLen;
            if (data < expected) {
                throw new EdgeFmException(prefix + " is truncated: " + data + " bytes of data (expected: " + expected
                        + " as its header says)");
            }
        } catch (IOException e) {
            throw new EdgeFmException(prefix + " cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static boolean startsWithMagic(byte[] b) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static long dataBytes(String dict, String prefix) {
        Matcher d = DESCR.matcher(dict);
        Matcher s = SHAPE.matcher(dict);
        if (!d.find() || !s.find()) {
            throw new EdgeFmException(prefix + " is not a valid .npy file (header without descr or shape)");
        }
        long n = Long.parseLong(d.group(1));
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                n *= Long.parseLong(part.strip());
            }
        }
        return n;
    }
}
