package io.strata.libvirt;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Strata's element inside a domain's {@code <metadata>}: owner and template marker travel with the
 * domain, so they survive a database restore and show in {@code virsh dumpxml}.
 */
public record StrataMetadata(String owner, boolean template) {

    public static final String NAMESPACE = "https://strata.io/xmlns/libvirt/domain/1";
    public static final String PREFIX = "strata";
    public static final String ELEMENT = "vm";

    static StrataMetadata fromDomainXml(Document domainXml) {
        for (Element e : Xml.elements(domainXml, "/domain/metadata/*")) {
            if (NAMESPACE.equals(e.getNamespaceURI()) && ELEMENT.equals(e.getLocalName())) {
                String owner = e.getAttribute("owner");
                return new StrataMetadata(owner.isEmpty() ? null : owner, "true".equals(e.getAttribute("template")));
            }
        }
        return new StrataMetadata(null, false);
    }

    /** The element as libvirt's setMetadata wants it (prefix and namespace are passed separately). */
    String toElementXml() {
        Document d = Xml.newDocument(ELEMENT);
        Element root = d.getDocumentElement();
        if (owner != null) {
            root.setAttribute("owner", owner);
        }
        root.setAttribute("template", Boolean.toString(template));
        return Xml.serialize(root);
    }
}
