import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Scanner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API client of ./strata bench: one process, one persistent HTTP connection (keep-alive), so a
 * measurement holds no process start and no TCP handshake. Reads commands on stdin, one a line:
 *   job METHOD PATH [JSON]   the request, then GET /api/jobs/{id}?wait=60 for each job id it
 *                            answered until all have SUCCEEDED; prints the milliseconds taken
 *   call METHOD PATH [JSON]  one request; prints the milliseconds, then the body on one line
 * and prints "ERR <why>" when something is not as expected.
 * Run: java scripts/BenchClient.java BASE_URL USER PASSWORD
 */
public class BenchClient {

    static final Pattern JOB_IDS = Pattern.compile("\"jobIds?\":\\[?([0-9,]+)");
    static final Pattern STATE = Pattern.compile("\"state\":\"([A-Z]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String auth = "Basic " + Base64.getEncoder().encodeToString((args[1] + ":" + args[2]).getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Scanner in = new Scanner(System.in, StandardCharsets.UTF_8);
        while (in.hasNextLine()) {
            String line = in.nextLine().strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] w = line.split(" ", 4);
            try {
                long t0 = System.nanoTime();
                HttpResponse<String> r = send(http, base, auth, w[1], w[2], w.length > 3 ? w[3] : null);
                if (w[0].equals("call")) {
                    double ms = (System.nanoTime() - t0) / 1e6;
                    System.out.printf("%.1f %d %s%n", ms, r.statusCode(), r.body().replace('\n', ' '));
                } else {
                    Matcher m = JOB_IDS.matcher(r.body());
                    if (r.statusCode() != 202 || !m.find()) {
                        System.out.println("ERR " + r.statusCode() + " " + r.body().replace('\n', ' '));
                        continue;
                    }
                    List<String> ids = new ArrayList<>(List.of(m.group(1).split(",")));
                    String failed = null;
                    for (String id : ids) {
                        String state = "";
                        while (!state.equals("SUCCEEDED") && failed == null) {
                            HttpResponse<String> j = send(http, base, auth, "GET", "/api/jobs/" + id + "?wait=60", null);
                            Matcher s = STATE.matcher(j.body());
                            state = s.find() ? s.group(1) : "?";
                            if (!state.equals("SUCCEEDED") && !state.equals("QUEUED") && !state.equals("RUNNING")) {
                                failed = "job " + id + " ended " + state + ": " + j.body().replace('\n', ' ');
                            }
                        }
                    }
                    double ms = (System.nanoTime() - t0) / 1e6;
                    System.out.println(failed == null ? String.format("%.1f", ms) : "ERR " + failed);
                }
            } catch (Exception e) {
                System.out.println("ERR " + e);
            }
            System.out.flush();
        }
    }

    static HttpResponse<String> send(HttpClient http, String base, String auth, String method, String path, String json)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", auth)
                .timeout(Duration.ofSeconds(600));
        b.header("Content-Type", "application/json"); // as curl -H sends it, with or without a body
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
