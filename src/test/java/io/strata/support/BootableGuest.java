package io.strata.support;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;


/**
 * A guest that really boots (TCG, about 10–25 s to a live guest agent here): the installed Debian
 * kernel with a busybox initramfs built by {@code scripts/build-boot-guest.sh}, once per content
 * (script, kernel, busybox, qemu-ga) under {@code /var/lib/libvirt/images/strata-guest-cache/<hash>/}
 * and shared by every test run and worktree. The guest handles the ACPI power button (poweroff),
 * runs the QEMU guest agent (ping, fsfreeze, guest-exec, shutdown), mounts its disk {@code vda}
 * read-write on {@code /mnt/data} and counts its boots in {@code /mnt/data/boot-count}. The
 * {@link Variant#IGNORES_SHUTDOWN} guest has no ACPI handler and an agent shutdown that does
 * nothing, for timeout tests. Domains are {@link LibvirtHost} domains: named {@code st-<run>-…},
 * removed at the end of the run.
 */
public final class BootableGuest {

    public static final Path CACHE_ROOT = Path.of("/var/lib/libvirt/images/strata-guest-cache");
    static final Path SCRIPT = Path.of("scripts/build-boot-guest.sh");

    public enum Variant {
        /** Shuts down on the ACPI power button and on the agent's guest-shutdown. */
        NORMAL("initrd.img"),
        /** Ignores both: no acpid, a /sbin/shutdown that only logs. */
        IGNORES_SHUTDOWN("initrd-ignore.img");

        final String initrd;

        Variant(String initrd) {
            this.initrd = initrd;
        }
    }

    private static Path built;

    private BootableGuest() {
    }

    /** The cache directory with vmlinuz, the initrds and disk.qcow2; builds it when missing. */
    public static synchronized Path images() {
        if (built != null) {
            return built;
        }
        try {
            Files.createDirectories(CACHE_ROOT);
            Path dir = CACHE_ROOT.resolve(contentHash());
            // Other test JVMs (other worktrees) may build at the same time: one builds, the rest wait.
            try (FileChannel ch = FileChannel.open(CACHE_ROOT.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                if (!Files.exists(dir.resolve("ready"))) {
                    Path tmp = CACHE_ROOT.resolve(dir.getFileName() + ".tmp-" + ProcessHandle.current().pid());
                    Processes.Result r = Processes.run("bash", SCRIPT.toAbsolutePath().toString(), tmp.toString());
                    if (r.exit() != 0) {
                        throw new IllegalStateException("building the bootable guest failed: " + r.err() + r.out());
                    }
                    Files.writeString(tmp.resolve("ready"), "built " + java.time.Instant.now() + "\n");
                    deleteTree(dir);
                    Files.move(tmp, dir);
                }
            }
            built = dir;
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 over the builder script and the package files it copies, shortened. */
    static String contentHash() throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(SCRIPT));
            List<Path> inputs = new ArrayList<>();
            try (Stream<Path> boot = Files.list(Path.of("/boot"))) {
                boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).sorted().forEach(inputs::add);
            }
            inputs.add(Path.of("/bin/busybox"));
            inputs.add(Path.of("/usr/sbin/qemu-ga"));
            for (Path p : inputs) {
                md.update(p.toString().getBytes(StandardCharsets.UTF_8));
                if (Files.exists(p)) {
                    md.update(Files.readAllBytes(p));
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Defines (not starts) a booting guest owned by {@code owner}, with its own copy of the disk. */
    public static String define(String suffix, String owner, Variant variant) {
        Path img = images();
        String name = LibvirtHost.PREFIX + suffix;
        Path disk = LibvirtHost.DIR.resolve(name + ".qcow2");
        Processes.ok("cp", "--sparse=always", img.resolve("disk.qcow2").toString(), disk.toString());
        String metadata = owner == null ? "" : """
                  <metadata>
                    <strata:vm xmlns:strata="https://strata.io/xmlns/libvirt/domain/1" owner="%s" template="false"/>
                  </metadata>
                """.formatted(owner);
        String xml = """
                <domain type='qemu'>
                  <name>%s</name>
                %s  <memory unit='MiB'>256</memory>
                  <vcpu>1</vcpu>
                  <os>
                    <type arch='x86_64' machine='q35'>hvm</type>
                    <kernel>%s</kernel>
                    <initrd>%s</initrd>
                    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
                  </os>
                  <features><acpi/></features>
                  <on_poweroff>destroy</on_poweroff>
                  <on_reboot>restart</on_reboot>
                  <on_crash>destroy</on_crash>
                  <devices>
                    <disk type='file' device='disk'>
                      <driver name='qemu' type='qcow2'/>
                      <source file='%s'/>
                      <target dev='vda' bus='virtio'/>
                    </disk>
                    <channel type='unix'>
                      <target type='virtio' name='org.qemu.guest_agent.0'/>
                    </channel>
                    <serial type='file'>
                      <source path='%s'/>
                      <target port='0'/>
                    </serial>
                    <console type='file'>
                      <source path='%s'/>
                      <target type='serial' port='0'/>
                    </console>
                  </devices>
                </domain>
                """.formatted(name, metadata, img.resolve("vmlinuz"), img.resolve(variant.initrd), disk,
                consoleLog(name), consoleLog(name));
        Path xmlFile = LibvirtHost.DIR.resolve(name + ".xml");
        try {
            Files.writeString(xmlFile, xml);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        LibvirtHost.virsh("define", xmlFile.toString());
        return name;
    }

    /** Defines, starts and waits until the guest agent answers. */
    public static String boot(String suffix, String owner, Variant variant) {
        String name = define(suffix, owner, variant);
        LibvirtHost.virsh("start", name);
        awaitAgent(name, Duration.ofSeconds(120));
        return name;
    }

    public static Path consoleLog(String vm) {
        return LibvirtHost.DIR.resolve(vm + "-console.log");
    }

    /** What the guest wrote on its serial console (kernel messages, the init's lines). */
    public static String console(String vm) {
        try {
            Path log = consoleLog(vm);
            return Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean agentAnswers(String vm) {
        return Processes.run("virsh", "-c", LibvirtHost.URI, "qemu-agent-command", "--timeout", "5", vm,
                "{\"execute\":\"guest-ping\"}").exit() == 0;
    }

    public static void awaitAgent(String vm, Duration max) {
        long deadline = System.currentTimeMillis() + max.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (agentAnswers(vm)) {
                return;
            }
            Api.sleep(500);
        }
        throw new AssertionError("the guest agent of " + vm + " did not answer within " + max.toSeconds()
                + " s; console:\n" + console(vm));
    }

    /** Waits until the domain reaches the state virsh names (e.g. "shut off"). */
    public static void awaitState(String vm, String state, Duration max) {
        long deadline = System.currentTimeMillis() + max.toMillis();
        String now = DiskProbes.state(vm);
        while (!now.equals(state) && System.currentTimeMillis() < deadline) {
            Api.sleep(200);
            now = DiskProbes.state(vm);
        }
        if (!now.equals(state)) {
            throw new AssertionError(vm + " is " + now + ", not " + state + ", after " + max.toSeconds() + " s");
        }
    }

    /** What a command run inside the guest returned. */
    public record Exec(int exit, String out, String err) {
    }

    /** Runs {@code /bin/sh -c script} inside the guest through the agent's guest-exec; waits for it. */
    public static Exec exec(String vm, String script) {
        String arg = "{\"execute\":\"guest-exec\",\"arguments\":{\"path\":\"/bin/sh\",\"arg\":[\"-c\","
                + jsonString(script) + "],\"capture-output\":true}}";
        String started = LibvirtHost.virsh("qemu-agent-command", vm, arg);
        Matcher pid = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)").matcher(started);
        if (!pid.find()) {
            throw new AssertionError("guest-exec gave no pid: " + started);
        }
        String status = "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":" + pid.group(1) + "}}";
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            String s = LibvirtHost.virsh("qemu-agent-command", vm, status);
            if (s.contains("\"exited\":true")) {
                return new Exec(intField(s, "exitcode"), base64Field(s, "out-data"), base64Field(s, "err-data"));
            }
            Api.sleep(100);
        }
        throw new AssertionError("guest-exec of " + script + " in " + vm + " did not end in 60 s");
    }

    /** How often the guest has booted from its disk (it counts at every boot). */
    public static int bootCount(String vm) {
        Exec e = exec(vm, "cat /mnt/data/boot-count");
        if (e.exit() != 0) {
            throw new AssertionError("no boot count in " + vm + ": " + e.err());
        }
        return Integer.parseInt(e.out().strip());
    }

    private static int intField(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String base64Field(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*\"([A-Za-z0-9+/=]*)\"").matcher(json);
        return m.find() ? new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8) : "";
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
