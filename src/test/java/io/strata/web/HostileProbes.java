package io.strata.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Hostile requests generated from the live OpenAPI document: for every operation (path and
 * method), its path parameters, query parameters and JSON body fields are each replaced by values
 * an attacker would try (wrong types, huge and negative numbers, names with {@code /}, {@code ..},
 * quotes, XML and shell characters, NUL, unicode, oversized), by callers of every role, against
 * other users' objects. Nothing here knows Strata's endpoints: names of path parameters are mapped
 * to real objects by {@link Objects}, the rest comes from the document.
 * <p>
 * Who sends what is chosen so that no hostile request may legitimately change anything:
 * <ul>
 * <li>a {@code user} who does not own the objects sends well-formed and hostile requests at them;</li>
 * <li>every role (user, operator, auditor, admin) sends hostile path values (objects that do not
 * exist) and hostile query values;</li>
 * <li>operators and admins, who may change other users' objects, send only bodies that no parser may
 * accept (wrong JSON types, numbers out of range, unreadable JSON, oversized).</li>
 * </ul>
 */
final class HostileProbes {

    /** One request to send. {@code caller} null: no credentials. {@code mayUnroute}: the URL may match no route. */
    record Probe(String method, String operation, String path, Map<String, String> query, String body, String caller,
            String category, boolean mayUnroute) {
    }

    /** The real objects that path parameters name, and the callers by role. */
    record Objects(Map<String, String> pathValues, String user, String operator, String auditor, String admin,
            java.util.Set<String> selfService) {
        List<String> everyRole() {
            return List.of(user, operator, auditor, admin);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode doc;
    private final Objects objects;
    private final Random random;
    private final List<Probe> probes = new ArrayList<>();
    private int wrongPasswords;
    private int forced;
    private int anonymous;

    HostileProbes(JsonNode doc, Objects objects, long seed) {
        this.doc = doc;
        this.objects = objects;
        this.random = new Random(seed);
    }

    /** Every operation of the document, as (method, path template, operation JSON). */
    static List<Object[]> operations(JsonNode doc) {
        List<Object[]> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> p = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ms = p.getValue().fields(); ms.hasNext();) {
                Map.Entry<String, JsonNode> m = ms.next();
                if (m.getKey().matches("get|put|post|delete|patch|head")) {
                    ops.add(new Object[] { m.getKey().toUpperCase(), p.getKey(), m.getValue() });
                }
            }
        }
        return ops;
    }

    List<Probe> generate() {
        for (Object[] op : operations(doc)) {
            generate((String) op[0], (String) op[1], (JsonNode) op[2]);
        }
        return probes;
    }

    private void generate(String method, String template, JsonNode op) {
        String operation = method + " " + template;
        boolean changes = !method.equals("GET") && !method.equals("HEAD");
        boolean api = template.startsWith("/api");
        if (!api) {
            // Pages: read with a user's session cookie; each change with a missing, forged or another
            // session's CSRF token, or with a good token against other users' objects.
            String page = fill(template, Map.of());
            if (!changes) {
                add(method, operation, page, Map.of(), null, "@" + objects.user(), "page read (cookie)", false);
                return;
            }
            for (String csrf : List.of("none", "forged", "forged-cookie", "other-session", "good")) {
                if (csrf.equals("good") && (template.equals("/logout") || objects.selfService().contains(operation))) {
                    continue; // the caller's own session or settings: a good token there is no refusal
                }
                add(method, operation, page, Map.of(), csrf, "@" + objects.user(), "page form, CSRF " + csrf, false);
            }
            add(method, operation, page, Map.of(), "good", null, "page form, no session", false);
            return;
        }
        JsonNode body = bodySchema(op);
        ObjectNode baseline = body == null ? null : baseline(body);
        String baselineText = baseline == null ? null : baseline.toString();
        if (objects.selfService().contains(operation)) {
            // The caller's own settings: anyone may change them, so only bodies nobody may send are probed.
            for (String wrong : List.of("[1, 2]", "\"x\"", "7", "{\"enabled\": \"maybe\"}", "{\"email\": {}}",
                    "{\"email\": \"<domain>x</domain>\"}", "{\"email\": \"a\u0000b@x\"}")) {
                add(method, operation, fill(template, Map.of()), Map.of(), wrong, pick(objects.everyRole()), "self-service, bad body", false);
            }
            add(method, operation, fill(template, Map.of()), Map.of(), "{}", null, "no credentials", false);
            return;
        }

        // 1. Other users' objects: a user who does not own them, with a well-formed request.
        add(method, operation, fill(template, Map.of()), Map.of(), baselineText, objects.user(), "other user's object", false);
        // No credentials, and wrong ones.
        if (anonymous++ % 2 == 0) {
            add(method, operation, fill(template, Map.of()), Map.of(), baselineText, null, "no credentials", false);
        } else {
            // A page session's cookie is no API credential (the API takes Basic only).
            add(method, operation, fill(template, Map.of()), Map.of(), baselineText, "@" + objects.user(), "API with a session cookie", false);
        }
        if (wrongPasswords++ < 4) {
            // Few: each counts against the address's login throttle (20 failures lock it for everyone).
            add(method, operation, fill(template, Map.of()), Map.of(), baselineText, "!" + objects.user(), "wrong password", false);
        }
        // Roles that may not: an auditor never changes anything.
        if (changes) {
            add(method, operation, fill(template, Map.of()), Map.of(), baselineText, objects.auditor(), "auditor change", false);
        }
        // 2. Hostile path values, by every role in turn (the objects they name do not exist).
        for (String param : pathParams(template)) {
            boolean numeric = "integer".equals(paramType(op, param));
            List<String> values = numeric ? HostileValues.HOSTILE_NUMBERS : HostileValues.HOSTILE_STRINGS;
            List<String> chosen = new ArrayList<>(pick(values, 1));
            chosen.add(numeric ? HostileValues.FORCED_NUMBERS.get(forced % HostileValues.FORCED_NUMBERS.size()) : HostileValues.FORCED.get(forced % HostileValues.FORCED.size()));
            forced++;
            for (String v : chosen) {
                String caller = pick(objects.everyRole());
                boolean raw = v.contains("/") && v.matches("[\\w./-]+") && random.nextBoolean();
                String path = fill(template, Map.of(param, raw ? v : encode(v)));
                add(method, operation, path, Map.of(), changes ? baselineText : null, caller, "path " + param,
                        unroutable(v, raw) || numeric);
            }
        }
        // 3. Hostile query values (wrong types, out of range) by every role.
        for (JsonNode p : op.path("parameters")) {
            if (!"query".equals(p.path("in").asText())) {
                continue;
            }
            String name = p.path("name").asText();
            String type = p.path("schema").path("type").asText("string");
            List<String> values = type.equals("integer") || type.equals("number") ? HostileValues.HOSTILE_NUMBERS : HostileValues.HOSTILE_STRINGS;
            for (String v : pick(values, 1)) {
                // Changes only by the user who does not own the object: an admin's hostile query on a real
                // object could be a legitimate change.
                String caller = changes ? objects.user() : pick(objects.everyRole());
                add(method, operation, fill(template, Map.of()), Map.of(name, v), changes ? baselineText : null, caller,
                        "query " + name, false);
            }
        }
        // 4. Body fields of a wrong type (no parser may accept them) by operators and admins, and
        //    hostile strings and numbers by the user who does not own the object; broken bodies by all.
        if (body != null) {
            for (Iterator<Map.Entry<String, JsonNode>> fs = body.path("properties").fields(); fs.hasNext();) {
                Map.Entry<String, JsonNode> f = fs.next();
                String type = resolve(f.getValue()).path("type").asText("string");
                for (String wrong : pick(HostileValues.WRONG_JSON.getOrDefault(type, HostileValues.WRONG_JSON.get("string")), 1)) {
                    add(method, operation, fill(template, Map.of()), Map.of(), withField(baseline, f.getKey(), wrong),
                            pick(List.of(objects.operator(), objects.admin())), "body " + f.getKey() + " wrong type", false);
                }
                List<String> values = type.equals("integer") || type.equals("number") ? HostileValues.HOSTILE_NUMBERS : HostileValues.HOSTILE_STRINGS;
                for (String v : pick(values, 1)) {
                    add(method, operation, fill(template, Map.of()), Map.of(),
                            withField(baseline, f.getKey(), JSON.valueToTree(v).toString()), objects.user(),
                            "body " + f.getKey() + " hostile", false);
                }
            }
        }
        if (changes) {
            // A change that is not JSON (a cross-site form could send it with remembered Basic credentials).
            add(method, operation, fill(template, Map.of()), Map.of(), "text/plain:" + (baselineText == null ? "x" : baselineText),
                    objects.user(), "API change as text/plain", false);
        }
        if (changes && body != null) {
            for (String broken : pick(HostileValues.BROKEN_BODIES, 2)) {
                add(method, operation, fill(template, Map.of()), Map.of(), broken, pick(objects.everyRole()),
                        broken.length() > 1_000_000 ? "oversized body" : "broken body", false);
            }
        }
    }

    private void add(String method, String operation, String path, Map<String, String> query, String body, String caller,
            String category, boolean mayUnroute) {
        probes.add(new Probe(method, operation, path, query, body, caller, category, mayUnroute));
    }

    /** Values that can make the URL match another route or none: a raw slash, dot segments, an empty segment. */
    private static boolean unroutable(String v, boolean raw) {
        return raw || v.equals("..") || v.isBlank() || v.equals(".");
    }

    /** The path template with each parameter replaced: the given (already encoded) values, else the real objects. */
    String fill(String template, Map<String, String> values) {
        String out = template;
        for (String param : pathParams(template)) {
            String v = values.containsKey(param) ? values.get(param)
                    : encode(objects.pathValues().getOrDefault(template + "#" + param,
                            objects.pathValues().getOrDefault(param, "none")));
            out = out.replace("{" + param + "}", v);
        }
        return out;
    }

    static List<String> pathParams(String template) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(template);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private String paramType(JsonNode op, String name) {
        for (JsonNode p : op.path("parameters")) {
            if (name.equals(p.path("name").asText())) {
                return resolve(p.path("schema")).path("type").asText("string");
            }
        }
        return "string";
    }

    static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The JSON body's schema; with no properties when the endpoint reads any JSON itself (a JsonNode). */
    private JsonNode bodySchema(JsonNode op) {
        JsonNode content = op.path("requestBody").path("content");
        JsonNode json = content.path("application/json").path("schema");
        if (json.isMissingNode()) {
            return null;
        }
        if (json.path("$ref").asText().endsWith("/JsonNode")) {
            // The document lists Jackson's JsonNode getters (array, textual, …) as its "fields": they are not
            // fields of the request, so such a body is probed as a whole (wrong JSON types, broken bodies).
            return JSON.createObjectNode().set("properties", JSON.createObjectNode());
        }
        JsonNode s = resolve(json);
        return s.has("properties") ? s : JSON.createObjectNode().set("properties", JSON.createObjectNode());
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode s = schema;
        for (int i = 0; i < 5 && s.has("$ref"); i++) {
            String ref = s.get("$ref").asText();
            s = doc.at(ref.substring(1));
        }
        if (s.has("allOf") && s.get("allOf").size() == 1) {
            return resolve(s.get("allOf").get(0));
        }
        return s;
    }

    /** A well-formed body: every field with a plain value of its type. */
    private ObjectNode baseline(JsonNode schema) {
        ObjectNode b = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fs = schema.path("properties").fields(); fs.hasNext();) {
            Map.Entry<String, JsonNode> f = fs.next();
            JsonNode s = resolve(f.getValue());
            switch (s.path("type").asText("string")) {
                case "integer", "number" -> b.put(f.getKey(), 1);
                case "boolean" -> b.put(f.getKey(), false);
                case "array" -> b.set(f.getKey(), JSON.createArrayNode());
                case "object" -> b.set(f.getKey(), JSON.createObjectNode());
                default -> b.put(f.getKey(), s.has("enum") ? s.get("enum").get(0).asText() : "probe-" + f.getKey());
            }
        }
        return b;
    }

    /** The baseline with one field's JSON text replaced (the result may deliberately be any JSON). */
    private static String withField(ObjectNode baseline, String field, String jsonValue) {
        Map<String, String> parts = new LinkedHashMap<>();
        baseline.fields().forEachRemaining(e -> parts.put(e.getKey(), e.getValue().toString()));
        parts.put(field, jsonValue);
        StringBuilder sb = new StringBuilder("{");
        parts.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(JSON.valueToTree(k).toString()).append(':').append(v));
        return sb.append('}').toString();
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private List<String> pick(List<String> from, int n) {
        List<String> copy = new ArrayList<>(from);
        java.util.Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(n, copy.size()));
    }
}
