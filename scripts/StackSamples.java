import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A wall-clock profile from repeated thread dumps (jstack): where the threads named by a prefix
 * spend their time, waiting included (a CPU profile misses time spent waiting on the database, which
 * is where a job engine's time goes). Prints the share of samples per innermost Strata frame with the
 * frame under it, like the widest bars of a flame graph.
 *   java scripts/StackSamples.java dumps.txt [thread-prefix...]
 */
public class StackSamples {
    public static void main(String[] args) throws Exception {
        String text = Files.readString(Path.of(args[0]));
        List<String> prefixes = args.length > 1 ? List.of(args).subList(1, args.length) : List.of("strata-worker", "executor-thread");
        Map<String, Integer> counts = new HashMap<>();
        int total = 0;
        for (String block : text.split("\n\n")) {
            String[] lines = block.strip().split("\n");
            if (lines.length < 2 || !lines[0].startsWith("\"")) {
                continue;
            }
            String name = lines[0].substring(1, lines[0].indexOf('"', 1));
            if (prefixes.stream().noneMatch(name::startsWith)) {
                continue;
            }
            List<String> frames = new ArrayList<>();
            for (String l : lines) {
                l = l.strip();
                if (l.startsWith("at ")) {
                    frames.add(l.substring(3, l.indexOf('(') > 0 ? l.indexOf('(') : l.length()));
                }
            }
            if (frames.isEmpty()) {
                continue;
            }
            List<String> ours = frames.stream().filter(f -> f.startsWith("io.strata.") && !f.contains("_Subclass")
                    && !f.contains("_ClientProxy") && !f.contains("$$")).limit(2).toList();
            if (ours.isEmpty()) {
                continue; // an idle pool thread
            }
            String top = frames.get(0);
            String state = top.contains("Unsafe.park") || top.contains("Object.wait") ? "waiting for a lock/signal"
                    : top.contains("Net.poll") || top.contains("SocketDispatcher") || top.contains("FileDispatcherImpl")
                            ? "waiting for the database" : top.contains("Thread.sleep") ? "sleeping" : "on CPU";
            String key = name.replaceAll("-\\d+$", "") + " | " + state + " | " + String.join(" < ", ours).replace("io.strata.", "");
            counts.merge(key, 1, Integer::sum);
            total++;
        }
        int all = total;
        System.out.printf("%d thread samples%n", all);
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(20)
                .forEach(e -> System.out.printf("%5.1f %%  %s%n", 100.0 * e.getValue() / all, e.getKey()));
    }
}
