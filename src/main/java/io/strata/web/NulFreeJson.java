package io.strata.web;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.NullNode;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * A NUL character ({@code \u0000}) in any string of a JSON body (a field, an array element, a map
 * key) is refused while the body is read, for every endpoint at once: PostgreSQL text cannot store
 * one, and no name or description needs one. The read fails with {@link NulInJson}, which the
 * REST layer turns into a 400 that {@link ErrorMappers} answers as an {@link ApiError} and audits.
 * (Paths and queries: {@link NulCharacters}.)
 */
@Singleton
public class NulFreeJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule m = new SimpleModule("strata-nul-free-strings");
        m.addDeserializer(String.class, new Strings());
        m.addKeyDeserializer(String.class, new Keys());
        m.addDeserializer(JsonNode.class, new Trees());
        mapper.registerModule(m);
    }

    /** The refusal: a mapping failure (not a mismatched input), so the reader answers 400 with it as the cause. */
    public static final class NulInJson extends JsonMappingException {
        private static final long serialVersionUID = 1L;

        NulInJson(JsonParser p) {
            super(p, "a NUL character (\\u0000) in a JSON string");
        }
    }

    private static final class Strings extends StdScalarDeserializer<String> {
        private static final long serialVersionUID = 1L;

        Strings() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return checked(StringDeserializer.instance.deserialize(p, ctxt), p);
        }
    }

    /** Bodies read as a tree (partial updates): every text value and field name of the tree. */
    private static final class Trees extends StdDeserializer<JsonNode> {
        private static final long serialVersionUID = 1L;

        Trees() {
            super(JsonNode.class);
        }

        @Override
        public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = JsonNodeDeserializer.getDeserializer(JsonNode.class).deserialize(p, ctxt);
            check(tree, p);
            return tree;
        }

        @Override
        public JsonNode getNullValue(DeserializationContext ctxt) {
            return NullNode.getInstance();
        }

        private static void check(JsonNode n, JsonParser p) throws NulInJson {
            if (n.isTextual()) {
                checked(n.textValue(), p);
            }
            for (var f : n.properties()) {
                checked(f.getKey(), p);
                check(f.getValue(), p);
            }
            if (n.isArray()) {
                for (JsonNode e : n) {
                    check(e, p);
                }
            }
        }
    }

    private static final class Keys extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            return checked(key, ctxt.getParser());
        }
    }

    private static String checked(String s, JsonParser p) throws NulInJson {
        if (s != null && s.indexOf('\0') >= 0) {
            throw new NulInJson(p);
        }
        return s;
    }
}
