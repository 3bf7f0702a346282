package io.strata.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tiny Linux-looking guest image that libguestfs' inspection recognises (os-release, hostname,
 * machine-id, fstab, a binary in /bin), built once per run with virt-make-fs; and the libguestfs
 * tools run the way Strata runs them, to build and to read guest images.
 */
public final class TinyGuest {

    public static final String HOSTNAME = "tiny-original";
    public static final String MACHINE_ID = "0123456789abcdef0123456789abcdef";
    /** The MAC of the NIC that {@link VmBuilder#defineGuestVm} gives the guest. */
    public static final String MAC = "52:54:00:aa:bb:cc";

    private static Path image;

    private TinyGuest() {
    }

    /** The run's tiny guest image (qcow2, under the run's directory), built on first use. */
    public static synchronized Path image() {
        // Made again when a test class's cleanup removed the run's directory (ITs share one JVM).
        if (image == null || !Files.exists(image)) {
            try {
                Path root = LibvirtHost.DIR.resolve("tiny-guest-root");
                Files.createDirectories(root.resolve("etc"));
                Files.createDirectories(root.resolve("bin"));
                Files.writeString(root.resolve("etc/os-release"), "ID=debian\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n"
                        + "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n");
                Files.writeString(root.resolve("etc/hostname"), HOSTNAME + "\n");
                Files.writeString(root.resolve("etc/machine-id"), MACHINE_ID + "\n");
                Files.writeString(root.resolve("etc/fstab"), "/dev/sda / ext4 defaults 0 1\n");
                Files.copy(Path.of("/bin/ls"), root.resolve("bin/ls"));
                Path img = LibvirtHost.DIR.resolve("tiny-guest.qcow2");
                guestfs("virt-make-fs", "--format=qcow2", "--type=ext4", "--size=+64M", root.toString(), img.toString());
                image = img;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return image;
    }

    /** Runs a libguestfs tool the way Strata does (direct backend, TCG); returns its stdout. */
    public static String guestfs(String... argv) {
        return Processes.ok(List.of(argv),
                Map.of("LIBGUESTFS_BACKEND", "direct", "LIBGUESTFS_BACKEND_SETTINGS", "force_tcg"), Duration.ofSeconds(600));
    }

    /** Reads files of a guest image, read-only, in one appliance start; their lines, in order. */
    public static List<String> files(Path image, String... files) {
        List<String> argv = new ArrayList<>(List.of("guestfish", "--ro", "-a", image.toString(), "-i"));
        for (int i = 0; i < files.length; i++) {
            if (i > 0) {
                argv.add(":");
            }
            argv.addAll(List.of("cat", files[i]));
        }
        return guestfs(argv.toArray(String[]::new)).lines().toList();
    }
}
