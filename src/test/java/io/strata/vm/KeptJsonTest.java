package io.strata.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.Test;

class KeptJsonTest {

    @Test
    void theCompressedBodyIsTheSameJsonUnderItsOwnTag() throws Exception {
        byte[] body = "[{\"name\":\"vm-001\"},{\"name\":\"vm-002\"}]".repeat(200).getBytes(StandardCharsets.UTF_8);
        KeptJson kept = KeptJson.of(body, "\"abc\"");
        try (var in = new GZIPInputStream(new ByteArrayInputStream(kept.gzipBody()))) {
            assertArrayEquals(body, in.readAllBytes());
        }
        assertTrue(kept.gzipBody().length < body.length / 10, "repetitive JSON compresses well");
        assertNotEquals(kept.etag(), kept.gzipEtag(), "two bodies, two tags");
        assertTrue(kept.gzipEtag().startsWith("\"") && kept.gzipEtag().endsWith("\""), "still a quoted tag");
    }

    @Test
    void gzipOnlyWhenTheClientAllowsIt() {
        assertTrue(KeptJson.acceptsGzip("gzip"));
        assertTrue(KeptJson.acceptsGzip("gzip, deflate, br"));
        assertTrue(KeptJson.acceptsGzip("br;q=1.0, GZIP;q=0.5"));
        assertTrue(KeptJson.acceptsGzip("x-gzip"));
        assertTrue(KeptJson.acceptsGzip("*"));
        assertTrue(KeptJson.acceptsGzip("deflate, *;q=0.1"));
        assertFalse(KeptJson.acceptsGzip(null));
        assertFalse(KeptJson.acceptsGzip(""));
        assertFalse(KeptJson.acceptsGzip("identity"));
        assertFalse(KeptJson.acceptsGzip("deflate, br"));
        assertFalse(KeptJson.acceptsGzip("gzip;q=0"));
        assertFalse(KeptJson.acceptsGzip("gzip;q=0.0, *"), "named and refused beats the wildcard");
        assertFalse(KeptJson.acceptsGzip("*;q=0"));
        assertFalse(KeptJson.acceptsGzip("gzip;q=nonsense"));
        // Empty elements name nothing (a lone ";" split to no fields and was a 500).
        assertTrue(KeptJson.acceptsGzip("gzip,;"));
        assertFalse(KeptJson.acceptsGzip(";"));
        assertFalse(KeptJson.acceptsGzip(" ; , ;q=1"));
    }

    @Test
    void ifNoneMatchNamesOneOfItsTags() {
        assertTrue(KeptJson.matches("\"a\"", "\"a\""));
        assertTrue(KeptJson.matches("\"x\", \"a\"", "\"a\""));
        assertFalse(KeptJson.matches(null, "\"a\""));
        assertFalse(KeptJson.matches("\"a-gzip\"", "\"a\""));
        assertFalse(KeptJson.matches("\"a\"", "\"a-gzip\""));
    }
}
