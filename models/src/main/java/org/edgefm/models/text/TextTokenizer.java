package org.edgefm.models.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.edgefm.api.EdgeFmException;
import org.edgefm.models.family.Sequence;

/**
 * A model's own {@code tokenizer.json}, run by the Hugging Face tokenizers library through DJL's
 * binding (natives for linux-x86_64 and linux-aarch64 ship in the jar; the Linux library needs
 * glibc 2.34 or newer). DJL is kept offline: it never downloads anything. Texts are encoded one at
 * a time without padding, truncated to {@code maxLength} tokens.
 */
public final class TextTokenizer implements AutoCloseable {
    static {
        // never reach a model hub or download a native library: the bundled one is used
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private final HuggingFaceTokenizer tokenizer;
    private final String source;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, String source) {
        this.tokenizer = tokenizer;
        this.source = source;
    }

    private static Map<String, String> options(int maxLength) {
        Map<String, String> o = new HashMap<>();
        o.put("padding", "false");
        o.put("truncation", "true");
        o.put("maxLength", Integer.toString(maxLength));
        return o;
    }

    /** Loads a tokenizer.json file. */
    public static TextTokenizer open(Path file, int maxLength) {
        if (!Files.isRegularFile(file)) {
            throw new EdgeFmException(file + ": tokenizer file not found");
        }
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(file, options(maxLength)), file.toString());
        } catch (IOException | RuntimeException e) {
            throw new EdgeFmException(file + ": cannot load tokenizer (" + e.getMessage() + ")", e);
        } catch (UnsatisfiedLinkError e) {
            throw new EdgeFmException(file + ": the tokenizers native library does not load on this machine (" + e.getMessage()
                    + "; it needs glibc 2.34+ on Linux)", e);
        }
    }

    /** Loads a tokenizer.json from a stream (e.g. a classpath resource). */
    public static TextTokenizer read(InputStream in, String source, int maxLength) {
        try {
            return new TextTokenizer(HuggingFaceTokenizer.newInstance(in, options(maxLength)), source);
        } catch (IOException | RuntimeException e) {
            throw new EdgeFmException(source + ": cannot load tokenizer (" + e.getMessage() + ")", e);
        } catch (UnsatisfiedLinkError e) {
            throw new EdgeFmException(source + ": the tokenizers native library does not load on this machine (" + e.getMessage()
                    + "; it needs glibc 2.34+ on Linux)", e);
        }
    }

    /** Token ids, token types and attention mask of one text, with the tokenizer's special tokens. */
    public Sequence encode(String text) {
        Encoding e = tokenizer.encode(text);
        return new Sequence(toInt(e.getIds()), toInt(e.getTypeIds()), toInt(e.getAttentionMask()));
    }

    /** Text of token ids (special tokens skipped). */
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return tokenizer.decode(l, true);
    }

    private static int[] toInt(long[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = Math.toIntExact(a[i]);
        }
        return r;
    }

    /** Where the tokenizer came from. */
    public String source() {
        return source;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
