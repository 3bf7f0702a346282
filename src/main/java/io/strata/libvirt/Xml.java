package io.strata.libvirt;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpression;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The one way Strata reads and writes libvirt XML: a DOM and XPath, never string concatenation,
 * so names with quotes or angle brackets can never change the document's structure.
 */
public final class Xml {

    private Xml() {
    }

    // Factories are looked up through the service loader on every newInstance() (about a
    // millisecond each); builders and XPath objects are not thread-safe, so one per thread.
    private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    });
    private static final ThreadLocal<javax.xml.xpath.XPath> XPATH =
            ThreadLocal.withInitial(() -> XPathFactory.newInstance().newXPath());
    /**
     * Compiled expressions, per thread (they are not thread-safe): compiling took longer than
     * evaluating, and a snapshot's XML is read with a dozen of them after every snapshot job.
     * The expressions are the code's own constants; at most {@link #MAX_COMPILED} are kept.
     */
    private static final ThreadLocal<java.util.Map<String, XPathExpression>> COMPILED =
            ThreadLocal.withInitial(java.util.HashMap::new);
    private static final int MAX_COMPILED = 256;
    private static final ThreadLocal<TransformerFactory> TRANSFORMERS = ThreadLocal.withInitial(() -> {
        try {
            TransformerFactory tf = TransformerFactory.newInstance();
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            return tf;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    });

    private static XPathExpression compiled(String xpath) throws XPathExpressionException {
        java.util.Map<String, XPathExpression> kept = COMPILED.get();
        XPathExpression x = kept.get(xpath);
        if (x == null) {
            x = XPATH.get().compile(xpath);
            if (kept.size() < MAX_COMPILED) {
                kept.put(xpath, x);
            }
        }
        return x;
    }

    public static Document parse(String xml) {
        try {
            DocumentBuilder b = BUILDER.get();
            b.reset();
            return b.parse(new InputSource(new StringReader(xml)));
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable XML from libvirt: " + e.getMessage(), e);
        }
    }

    public static Document newDocument(String rootName) {
        try {
            Document d = BUILDER.get().newDocument();
            d.appendChild(d.createElement(rootName));
            return d;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String serialize(Node node) {
        try {
            Transformer t = TRANSFORMERS.get().newTransformer();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(node), new StreamResult(w));
            return w.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Appends a child element with the given text (escaped by the DOM). */
    public static Element addText(Element parent, String name, String text) {
        Element e = parent.getOwnerDocument().createElement(name);
        e.setTextContent(text);
        parent.appendChild(e);
        return e;
    }

    /**
     * The first child element of {@code parent} named {@code name} (no namespace, as an XPath step
     * without a prefix selects), or null; null for a null parent. Only the first: where an XPath
     * would search under every element of a repeated name, a walk through this one does not (libvirt
     * writes each element these walks pass through once). A walk of the children: JAXP's XPath over
     * a DOM wraps the whole document on every evaluation (3–4 ms for a snapshot's XML).
     */
    public static Element child(Node parent, String name) {
        for (Node n = parent == null ? null : parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (named(n, name)) {
                return (Element) n;
            }
        }
        return null;
    }

    /** Whether the node is an element named {@code name} in no namespace (an unprefixed XPath step); any element for null. */
    private static boolean named(Node n, String name) {
        return n instanceof Element e && (name == null || e.getNamespaceURI() == null && name.equals(e.getLocalName()));
    }

    /** The document's root element when it is named {@code name} (no namespace), else null: the XPath step "/name". */
    public static Element root(Document d, String name) {
        Element r = d.getDocumentElement();
        return named(r, name) ? r : null;
    }

    /** Every child element of {@code parent}, of any name and namespace (the XPath step "*"); empty for a null parent. */
    public static List<Element> childElements(Node parent) {
        return children(parent, null);
    }

    /**
     * Every child element of {@code parent} named {@code name} (no namespace; any element for a null
     * name), in document order; empty for a null parent.
     */
    public static List<Element> children(Node parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent == null ? null : parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (named(n, name)) {
                out.add((Element) n);
            }
        }
        return out;
    }

    /** An element's text (its string value, as XPath's), or null when the element is missing or its text empty. */
    public static String text(Element e) {
        String s = e == null ? null : e.getTextContent();
        return s == null || s.isEmpty() ? null : s;
    }

    /** An attribute's value, or null when the element or the attribute is missing or the value empty. */
    public static String attribute(Element e, String name) {
        String s = e == null ? null : e.getAttribute(name);
        return s == null || s.isEmpty() ? null : s;
    }

    /** The string value of an XPath over the node, or null when it selects nothing or an empty string. */
    public static String string(Node node, String xpath) {
        try {
            String s = (String) compiled(xpath).evaluate(node, XPathConstants.STRING);
            return s == null || s.isEmpty() ? null : s;
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(xpath, e);
        }
    }

    public static List<Element> elements(Node node, String xpath) {
        try {
            NodeList nl = (NodeList) compiled(xpath).evaluate(node, XPathConstants.NODESET);
            List<Element> out = new ArrayList<>(nl.getLength());
            for (int i = 0; i < nl.getLength(); i++) {
                if (nl.item(i) instanceof Element e) {
                    out.add(e);
                }
            }
            return out;
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException(xpath, e);
        }
    }
}
