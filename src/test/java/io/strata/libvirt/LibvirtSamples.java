package io.strata.libvirt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The real libvirt XML kept under src/test/resources/libvirt-samples (see its README). */
final class LibvirtSamples {

    static final String DIR = "/var/lib/libvirt/images/wtc-samples/";

    private LibvirtSamples() {
    }

    static String read(String name) {
        try (InputStream in = LibvirtSamples.class.getResourceAsStream("/libvirt-samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
