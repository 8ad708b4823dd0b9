package io.happypath.collector.domain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Undoes {@code Content-Encoding: gzip} with a hard cap on the decompressed size, so a small compressed body cannot
 * expand into gigabytes (zip bomb): decompression stops as soon as the cap is passed.
 */
public final class BodyDecoder {

    private BodyDecoder() {
    }

    /**
     * The request body as the client meant it.
     *
     * @param encoding the {@code Content-Encoding} header, or null
     * @param maxBytes the largest decoded body accepted
     * @throws IngestException 413 {@code request_too_large} past {@code maxBytes}, 400 {@code invalid_gzip} for a
     *         corrupt gzip stream, 415 {@code unsupported_encoding} for another encoding
     */
    public static byte[] decode(byte[] body, String encoding, int maxBytes) {
        String enc = encoding == null ? "" : encoding.trim().toLowerCase(Locale.ROOT);
        byte[] decoded = switch (enc) {
            case "", "identity" -> body;
            case "gzip", "x-gzip" -> gunzip(body, maxBytes);
            default -> throw new IngestException(415, "unsupported_encoding",
                    "Content-Encoding '" + encoding + "' is not supported: send gzip or no encoding.");
        };
        if (decoded.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return decoded;
    }

    private static byte[] gunzip(byte[] body, int maxBytes) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, Math.max(1024, body.length * 8)));
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                out.write(buffer, 0, n);
                if (out.size() > maxBytes) {
                    throw tooLarge(maxBytes);
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IngestException(400, "invalid_gzip",
                    "The body is declared as Content-Encoding: gzip but is not a valid gzip stream: " + e.getMessage());
        }
    }

    private static IngestException tooLarge(int maxBytes) {
        return new IngestException(413, "request_too_large",
                "The request body is larger than " + maxBytes + " bytes after decompression: send smaller batches.");
    }
}
