package io.strata.template;

import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.strata.kernel.InputRules;
import io.strata.libvirt.DiskInfo;
import io.strata.libvirt.DomainState;
import io.strata.libvirt.DomainSummary;

/**
 * What sealing a VM into a template requires, as pure checks: each says why not, or returns null.
 * The service refuses with the message; the job checks the VM again before it seals.
 */
public final class SealChecks {

    /** An OpenSSH public key on one line: type, base64 body, optional comment. */
    static final Pattern SSH_KEY = Pattern.compile(
            "(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com)"
                    + " [A-Za-z0-9+/]+={0,3}( [\\x20-\\x7e]{0,200})?");
    static final int MAX_KEYS = 20;
    static final int MAX_KEY_LENGTH = 16384;
    static final int MAX_OPERATIONS = 100;

    private SealChecks() {
    }

    /** Why this VM cannot become a template now, or null. Checked at request time and again by the job. */
    static String sealProblem(DomainSummary d, boolean hasSnapshots) {
        if (d.state() != DomainState.SHUT_OFF) {
            return d.name() + " is " + d.state().label() + "; shut it down first (virt-sysprep needs its disks at rest)";
        }
        if (hasSnapshots) {
            return d.name() + " has snapshots; merge or delete them first (a template is one image per disk)";
        }
        List<DiskInfo> disks = d.disks().stream().filter(x -> "disk".equals(x.device()) && x.file() != null).toList();
        if (disks.isEmpty()) {
            return d.name() + " has no file-backed disk";
        }
        for (DiskInfo x : disks) {
            if (!"qcow2".equals(x.format()) && !"raw".equals(x.format())) {
                return "disk " + x.target() + " is " + x.format() + "; only qcow2 and raw disks can be sealed";
            }
            if (x.chain().size() > 1) {
                return "disk " + x.target() + " stacks on " + x.chain().get(1).file() + "; flatten the VM first";
            }
        }
        return null;
    }

    /**
     * Why the virt-sysprep operations are unacceptable, or null: each must be "defaults" or a known
     * operation, optionally prefixed with '-'. {@code known} is asked only when there is something to check.
     */
    static String operationsProblem(List<String> operations, Supplier<? extends Collection<String>> known) {
        if (operations == null || operations.isEmpty()) {
            return null;
        }
        if (operations.size() > MAX_OPERATIONS) {
            return "at most " + MAX_OPERATIONS + " operations";
        }
        Collection<String> names = known.get();
        for (String op : operations) {
            String name = op == null ? "" : op.startsWith("-") ? op.substring(1) : op;
            if (!name.equals("defaults") && !names.contains(name)) {
                return "unknown virt-sysprep operation \"" + InputRules.printable(op == null ? "" : op)
                        + "\"; known: defaults, " + String.join(", ", names);
            }
        }
        return null;
    }

    /** The --operations argument for accepted operations: "defaults", or their comma list. */
    static String operationsArgument(List<String> operations) {
        if (operations == null || operations.isEmpty()) {
            return "defaults";
        }
        return String.join(",", operations);
    }

    public static boolean isSshKey(String key) {
        return key != null && key.length() <= MAX_KEY_LENGTH && SSH_KEY.matcher(key.strip()).matches();
    }

    /** Why the keys cannot be installed, or null: at most {@link #MAX_KEYS}, each an OpenSSH public key. */
    static String sshKeysProblem(List<String> keys) {
        if (keys.size() > MAX_KEYS) {
            return "at most " + MAX_KEYS + " SSH keys";
        }
        for (String key : keys) {
            if (!isSshKey(key)) {
                return "not an OpenSSH public key on one line (type, key, optional comment): \""
                        + InputRules.printable(key == null ? "" : key.length() > 40 ? key.substring(0, 40) + "…" : key) + "\"";
            }
        }
        return null;
    }

    /** Why the template's hostname is unacceptable, or null. */
    static String hostnameProblem(String hostname) {
        if (!ProvisionHostnames.valid(hostname)) {
            return "not a valid hostname: \"" + InputRules.printable(hostname) + "\"";
        }
        return null;
    }
}
