package io.strata.libvirt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.libvirt.StoragePool;
import org.w3c.dom.Document;

/** libvirt's storage pools, as far as Strata needs them: where the {@code dir} pools keep their volumes. */
@ApplicationScoped
public class LibvirtPools {

    @Inject
    LibvirtConnections libvirt;

    /** The target directories of the host's {@code dir} pools, active or only defined. */
    public List<String> dirPoolTargets(String host) {
        return libvirt.read(host, "listing storage pools", conn -> {
            Set<String> names = new LinkedHashSet<>(List.of(conn.listStoragePools()));
            names.addAll(List.of(conn.listDefinedStoragePools()));
            List<String> out = new ArrayList<>();
            for (String name : names) {
                StoragePool pool = conn.storagePoolLookupByName(name);
                try {
                    String path = dirTarget(Xml.parse(pool.getXMLDesc(0)));
                    if (path != null && !out.contains(path)) {
                        out.add(path);
                    }
                } finally {
                    pool.free();
                }
            }
            return out;
        });
    }

    /** {@code <pool type='dir'><target><path>}; null for other pool types. */
    static String dirTarget(Document xml) {
        if (!"dir".equals(Xml.string(xml, "/pool/@type"))) {
            return null;
        }
        String path = Xml.string(xml, "/pool/target/path");
        return path == null || path.isBlank() ? null : path.strip();
    }
}
