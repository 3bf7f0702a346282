import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * A wall-clock flame of the named threads from a JFR recording: CPU samples (jdk.ExecutionSample),
 * samples of threads inside native code (jdk.NativeMethodSample: a JDBC socket read, a libvirt call)
 * each weighted by the sampling period, plus parks and monitor waits weighted by their duration (a
 * worker waiting for a process or a lock). Writes the folded stacks (one "frame;frame;… ms" line
 * each, the input of flamegraph.pl or speedscope) and prints the widest bars: the share of the time
 * per innermost Strata frame with the frame under it.
 *   java scripts/JfrFlame.java recording.jfr period-ms out.folded [thread-prefix...]
 */
public class JfrFlame {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        double period = Double.parseDouble(args[1]);
        Path out = Path.of(args[2]);
        List<String> prefixes = args.length > 3 ? List.of(args).subList(3, args.length) : List.of("strata-worker");
        Map<String, Double> folded = new HashMap<>();
        Map<String, Double> bars = new HashMap<>();
        double total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            double ms;
            RecordedThread t;
            switch (type) {
                case "jdk.ExecutionSample", "jdk.NativeMethodSample" -> {
                    ms = period;
                    t = e.getThread("sampledThread");
                }
                case "jdk.ThreadPark", "jdk.JavaMonitorWait", "jdk.JavaMonitorEnter" -> {
                    ms = e.getDuration().toNanos() / 1e6;
                    t = e.getThread();
                }
                default -> {
                    continue;
                }
            }
            String name = t == null ? null : t.getJavaName();
            RecordedStackTrace st = e.getStackTrace();
            if (name == null || st == null || prefixes.stream().noneMatch(name::startsWith)) {
                continue;
            }
            List<String> frames = new ArrayList<>(); // innermost first
            for (RecordedFrame f : st.getFrames()) {
                frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
            }
            List<String> ours = frames.stream().filter(f -> f.startsWith("io.strata.") && !f.contains("_Subclass")
                    && !f.contains("_ClientProxy") && !f.contains("$$")).limit(2).toList();
            if (ours.isEmpty() || ours.get(0).startsWith("io.strata.job.JobSignal.")) {
                continue; // an idle pool thread, or a worker waiting for work
            }
            String what = type.equals("jdk.ExecutionSample") ? "on CPU"
                    : type.equals("jdk.NativeMethodSample") ? "in native code (socket, libvirt)" : "parked / waiting";
            List<String> rootFirst = new ArrayList<>(frames);
            java.util.Collections.reverse(rootFirst);
            folded.merge(name.replaceAll("-\\d+$", "") + ";" + String.join(";", rootFirst), ms, Double::sum);
            bars.merge(what + " | " + String.join(" < ", ours).replace("io.strata.", ""), ms, Double::sum);
            total += ms;
        }
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            folded.forEach((k, v) -> w.printf("%s %d%n", k, Math.round(v)));
        }
        double all = total;
        System.out.printf("%.0f ms of thread time in Strata frames (threads %s); folded stacks in %s%n", all, prefixes, out);
        bars.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(15)
                .forEach(e -> System.out.printf("%5.1f %%  %7.0f ms  %s%n", 100 * e.getValue() / all, e.getValue(), e.getKey()));
    }
}
