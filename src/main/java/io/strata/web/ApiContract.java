package io.strata.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The API contract's front matter and its error answers (issue 14), applied to the document the
 * resources' annotations make (operation ids, summaries, bodies and their examples, 2xx answers and
 * specific refusals stay with each resource).
 *
 * <ul>
 * <li>Only {@code /api/*}: pages are HTML forms with a CSRF token for browsers, not a client API.</li>
 * <li>Every error is {@link ApiError} ({@link ErrorMappers}); the statuses each operation can answer
 * follow from what the request carries: 401 (Basic missing or wrong) and 403 (role, a VM the caller
 * may not see, another site) always; 400 with a body or query parameters; 404 with path parameters
 * (host, VM, snapshot, job …); 415 for every change (CrossSiteRequests wants
 * {@code Content-Type: application/json}); 409 for every queued job (one active job per VM, a state
 * that does not fit) and where the resource declares it.</li>
 * <li>Each tag is described here, in one place.</li>
 * </ul>
 */
public class ApiContract implements OASFilter {

    static final String ERROR_SCHEMA = "ApiError";

    private static final Map<String, String> TAGS = new LinkedHashMap<>();
    static {
        TAGS.put("vms", "VMs on each host: inventory, start and power, clone, delete, owner, sync");
        TAGS.put("snapshots", "Internal and external snapshots: the tree, create, revert, delete (merge), merge all");
        TAGS.put("disks", "A VM's disks and their backing chains, qemu-img check, raw/qcow2 conversion");
        TAGS.put("templates", "Seal a VM into a template (virt-sysprep), the catalogue, delete");
        TAGS.put("provisioning", "Thin and full-clone VMs from templates, batches, flatten");
        TAGS.put("jobs", "Every change is a job: list, follow (wait), cancel, what it changed");
        TAGS.put("snapshot policy", "Snapshot hygiene: policy, per-VM overrides, health of all snapshots, leases");
        TAGS.put("reports", "Cleanup reports: run, read, export, one-click fixes, mail settings");
        TAGS.put("audit", "The hash-chained audit log: search, export, verify, VM and user timelines");
        TAGS.put("hosts", "libvirt hosts Strata manages");
        TAGS.put("users", "Accounts, roles, passwords, quotas");
    }

    private static final Map<String, String> ERRORS = Map.of(
            "400", "Bad request: a value is missing, malformed or out of range",
            "401", "No or wrong credentials (HTTP Basic)",
            "403", "Forbidden: the caller's roles do not allow it, the VM is not theirs, or the request came from another site",
            "404", "Not found (or not visible to the caller): host, VM, snapshot, job, report, template or user",
            "409", "Refused as things are now: another job runs on the VM, or the VM's state or history does not allow it",
            "415", "A change must say Content-Type: application/json (a defence against cross-site requests)");

    @Override
    public void filterOpenAPI(OpenAPI api) {
        api.getPaths().getPathItems().keySet().stream().filter(p -> !p.startsWith("/api/")).toList()
                .forEach(api.getPaths()::removePathItem);
        api.getComponents().addSchema(ERROR_SCHEMA, OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("Every error of the API: the HTTP status, its reason phrase and what went wrong")
                .required(List.of("status", "error", "message"))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)).format("int32")
                        .examples(List.of(409)))
                .addProperty("error", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).examples(List.of("Conflict")))
                .addProperty("message", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                        .examples(List.of("web-1 already has a job: job 41 (SNAPSHOT_CREATE) is RUNNING")))
                .addProperty("key", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                        .description("A common refusal's message key, for a client that words it in its own language;"
                                + " absent when the refusal has none")
                        .examples(List.of("vm_busy"))));
        Set<String> used = new TreeSet<>();
        api.getPaths().getPathItems().forEach((path, item) -> item.getOperations().forEach((method, op) -> {
            inPathOrder(path, op);
            errors(method, op);
            if (op.getTags() != null) {
                used.addAll(op.getTags());
            }
        }));
        dropUnusedSchemas(api);
        api.setTags(TAGS.entrySet().stream().filter(t -> used.contains(t.getKey()))
                .map(t -> OASFactory.createTag().name(t.getKey()).description(t.getValue())).toList());
        for (String tag : used) {
            if (!TAGS.containsKey(tag)) {
                api.addTag(OASFactory.createTag().name(tag));
            }
        }
    }

    /**
     * Path parameters in the order the path names them (host, vm, snap), not alphabetically, so a
     * generated client's methods read like the URL: {@code revertSnapshot(host, vm, snap, body)}.
     */
    private static void inPathOrder(String path, Operation op) {
        if (op.getParameters() == null) {
            return;
        }
        List<Parameter> sorted = new java.util.ArrayList<>(op.getParameters());
        sorted.sort(java.util.Comparator.comparingInt(p -> p.getIn() == Parameter.In.PATH
                ? path.indexOf("{" + p.getName() + "}") : Integer.MAX_VALUE));
        op.setParameters(sorted);
    }

    /** Schemas only the pages used (e.g. Qute's TemplateInstance) go with them. */
    private static void dropUnusedSchemas(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        if (schemas == null) {
            return;
        }
        Set<String> reached = new TreeSet<>();
        List<Schema> todo = new java.util.ArrayList<>();
        api.getPaths().getPathItems().values().forEach(item -> item.getOperations().values().forEach(op -> {
            if (op.getParameters() != null) {
                op.getParameters().forEach(p -> todo.add(p.getSchema()));
            }
            if (op.getRequestBody() != null) {
                contentSchemas(op.getRequestBody().getContent(), todo);
            }
            op.getResponses().getAPIResponses().values().forEach(r -> contentSchemas(r.getContent(), todo));
        }));
        while (!todo.isEmpty()) {
            Schema s = todo.remove(todo.size() - 1);
            if (s == null) {
                continue;
            }
            if (s.getRef() != null) {
                String name = s.getRef().substring(s.getRef().lastIndexOf('/') + 1);
                if (reached.add(name) && schemas.containsKey(name)) {
                    todo.add(schemas.get(name));
                }
            }
            if (s.getProperties() != null) {
                todo.addAll(s.getProperties().values());
            }
            todo.add(s.getItems());
            todo.add(s.getAdditionalPropertiesSchema());
            for (List<Schema> group : java.util.Arrays.asList(s.getAllOf(), s.getAnyOf(), s.getOneOf())) {
                if (group != null) {
                    todo.addAll(group);
                }
            }
        }
        schemas.keySet().stream().filter(name -> !reached.contains(name)).toList().forEach(api.getComponents()::removeSchema);
    }

    private static void contentSchemas(Content content, List<Schema> todo) {
        if (content != null && content.getMediaTypes() != null) {
            content.getMediaTypes().values().forEach(m -> todo.add(m.getSchema()));
        }
    }

    private static void errors(PathItem.HttpMethod method, Operation op) {
        APIResponses responses = op.getResponses();
        List<Parameter> params = op.getParameters() == null ? List.of() : op.getParameters();
        boolean change = method != PathItem.HttpMethod.GET && method != PathItem.HttpMethod.HEAD;
        boolean queued = responses.hasAPIResponse("202");
        error(responses, "401");
        error(responses, "403");
        if (op.getRequestBody() != null || params.stream().anyMatch(p -> p.getIn() == Parameter.In.QUERY)) {
            error(responses, "400");
        }
        if (params.stream().anyMatch(p -> p.getIn() == Parameter.In.PATH)) {
            error(responses, "404");
        }
        if (queued || responses.hasAPIResponse("409")) {
            error(responses, "409");
        }
        if (change) {
            error(responses, "415");
        }
        // A method answering Response gets a default "200 OK" next to its declared 2xx; it never sends it.
        if (responses.hasAPIResponse("200") && (queued || responses.hasAPIResponse("201") || responses.hasAPIResponse("204"))) {
            responses.removeAPIResponse("200");
        }
    }

    private static void error(APIResponses responses, String status) {
        APIResponse r = responses.getAPIResponse(status);
        if (r == null) {
            r = OASFactory.createAPIResponse();
            responses.addAPIResponse(status, r);
        }
        if (r.getDescription() == null || r.getDescription().isBlank() || r.getDescription().equals("Not Authorized")
                || r.getDescription().equals("Not Allowed") || r.getDescription().equals("Bad Request")) {
            r.setDescription(ERRORS.get(status));
        }
        if (!status.equals("401")) {
            MediaType json = OASFactory.createMediaType()
                    .schema(OASFactory.createSchema().ref("#/components/schemas/" + ERROR_SCHEMA));
            Content content = OASFactory.createContent().addMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON, json);
            r.setContent(content);
        }
    }
}
