package io.strata.vm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A JSON body kept for many requests, plain and gzip-compressed once, each with its own entity tag
 * (the two are different bytes, so a tag names one of them). A thousand VMs are half a megabyte of
 * JSON but a few dozen kilobytes compressed: sending that is most of the list's cost, and every
 * HTTP client asks for gzip. Both answers say {@code Vary: Accept-Encoding}, so a cache keeps them
 * apart.
 */
public record KeptJson(byte[] body, String etag, byte[] gzipBody, String gzipEtag) {

    /** Compresses {@code body} once; {@code etag} is a quoted strong tag, the gzip one is derived from it. */
    public static KeptJson of(byte[] body, String etag) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 8 + 64);
        try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
            gz.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new KeptJson(body, etag, out.toByteArray(), etag.substring(0, etag.length() - 1) + "-gzip\"");
    }

    /**
     * The answer to a GET: 304 when {@code If-None-Match} names the tag of the body this client
     * would get, else that body (gzip when {@code Accept-Encoding} allows it).
     */
    public Response response(String ifNoneMatch, String acceptEncoding) {
        boolean gzip = acceptsGzip(acceptEncoding);
        String tag = gzip ? gzipEtag : etag;
        Response.ResponseBuilder answer;
        if (matches(ifNoneMatch, tag)) {
            answer = Response.notModified();
        } else {
            answer = Response.ok(gzip ? gzipBody : body, MediaType.APPLICATION_JSON_TYPE);
            if (gzip) {
                answer.header("Content-Encoding", "gzip");
            }
        }
        return answer.header(HttpHeaders.ETAG, tag).header(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING).build();
    }

    /** Whether an If-None-Match header (a list of tags) names {@code tag}. */
    static boolean matches(String ifNoneMatch, String tag) {
        return ifNoneMatch != null && Arrays.stream(ifNoneMatch.split(",")).map(String::strip).anyMatch(tag::equals);
    }

    /**
     * Whether an Accept-Encoding header allows gzip (RFC 9110 12.5.3): named ("gzip" or
     * "x-gzip") or covered by "*", with a weight above zero; a gzip named with q=0 is refused even
     * when "*" is allowed.
     */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        Boolean named = null;
        boolean star = false;
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";");
            if (fields.length == 0 || fields[0].isBlank()) {
                continue; // an empty element (",;" or a lone ";"): names no coding
            }
            String coding = fields[0].strip().toLowerCase(Locale.ROOT);
            boolean allowed = weight(fields) > 0;
            if (coding.equals("gzip") || coding.equals("x-gzip")) {
                named = named == Boolean.TRUE || allowed;
            } else if (coding.equals("*")) {
                star = allowed;
            }
        }
        return named != null ? named : star;
    }

    private static double weight(String[] fields) {
        for (int i = 1; i < fields.length; i++) {
            String p = fields[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2).strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
