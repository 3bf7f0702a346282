package io.strata.libvirt;

import java.util.List;

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
        for (Element e : Xml.childElements(Xml.child(Xml.root(domainXml, "domain"), "metadata"))) {
            if (NAMESPACE.equals(e.getNamespaceURI()) && ELEMENT.equals(e.getLocalName())) {
                String owner = e.getAttribute("owner");
                return new StrataMetadata(owner.isEmpty() ? null : owner, "true".equals(e.getAttribute("template")));
            }
        }
        return new StrataMetadata(null, false);
    }

    /** Puts this element into a domain definition (replacing Strata's old one), for a new domain. */
    public void writeInto(Document domainXml) {
        Element domain = domainXml.getDocumentElement();
        List<Element> metas = Xml.elements(domainXml, "/domain/metadata");
        Element metadata;
        if (metas.isEmpty()) {
            metadata = domainXml.createElement("metadata");
            domain.appendChild(metadata);
        } else {
            metadata = metas.get(0);
        }
        for (Element e : Xml.elements(metadata, "*")) {
            if (NAMESPACE.equals(e.getNamespaceURI()) && ELEMENT.equals(e.getLocalName())) {
                metadata.removeChild(e);
            }
        }
        Element el = domainXml.createElementNS(NAMESPACE, PREFIX + ":" + ELEMENT);
        if (owner != null) {
            el.setAttribute("owner", owner);
        }
        el.setAttribute("template", Boolean.toString(template));
        metadata.appendChild(el);
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
