package io.strata.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Every file something still needs, and who: the disks of each domain with their backing chains,
 * each snapshot's files with their chains, template images, and the files queued or running jobs
 * will touch. Pure data, filled by {@link HostInventory} and asked by {@link OrphanRules}. Paths are
 * compared as real paths ({@code normalise}), so two names of one file are one file.
 */
final class FileReferences {

    /** A file one domain's disk reads: the domain, and the file stacked on it in that chain (if any). */
    record ChainUse(String domain, String child) {
    }

    private final UnaryOperator<String> normalise;
    private final Map<String, String> firstReferrer = new HashMap<>();
    private final Map<String, ChainUse> chainUse = new HashMap<>();
    private final Map<String, String> snapshotOf = new HashMap<>();
    private final Map<String, String> templateOf = new HashMap<>();
    private final Map<String, String> ownerOfDomain = new HashMap<>();
    /** Name prefixes of files a queued or running job may be making (its VM's name) → the job. */
    private final List<String[]> jobPrefixes = new ArrayList<>();
    /** Payload texts of queued or running jobs → the job (a path named in a payload is in use). */
    private final List<String[]> jobPayloads = new ArrayList<>();

    FileReferences(UnaryOperator<String> normalise) {
        this.normalise = normalise;
    }

    String normalise(String file) {
        return normalise.apply(file);
    }

    void domainOwner(String domain, String owner) {
        if (owner != null) {
            ownerOfDomain.put(domain, owner);
        }
    }

    /** A domain's disk chain, top first (the disk's own file, then its backing files). */
    void domainChain(String domain, String target, List<String> chainTopFirst) {
        String child = null;
        for (String f : chainTopFirst) {
            String file = normalise(f);
            firstReferrer.putIfAbsent(file, (child == null ? "disk " + target : "backing chain of disk " + target)
                    + " of " + domain);
            chainUse.putIfAbsent(file, new ChainUse(domain, child));
            child = file;
        }
    }

    /** A snapshot's disk source (its overlay or its image) and the chain below it. */
    void snapshotChain(String domain, String snapshot, List<String> chainTopFirst) {
        boolean top = true;
        for (String f : chainTopFirst) {
            String file = normalise(f);
            firstReferrer.putIfAbsent(file, (top ? "" : "backing chain of ") + "snapshot " + snapshot + " of " + domain);
            snapshotOf.putIfAbsent(file, "snapshot " + snapshot + " of " + domain);
            top = false;
        }
    }

    void templateImage(String template, String file) {
        String f = normalise(file);
        firstReferrer.putIfAbsent(f, "image of template " + template);
        templateOf.putIfAbsent(f, template);
    }

    /** A queued or running job: files named after its VM, and any path its payload names, are its. */
    void activeJob(long id, String action, String vm, String payloadText) {
        String who = "job " + id + " (" + action + ", not finished)";
        if (vm != null && !vm.isBlank()) {
            jobPrefixes.add(new String[] { vm + ".", who });
            jobPrefixes.add(new String[] { vm + "-", who });
            jobPrefixes.add(new String[] { "template-" + vm, who });
        }
        if (payloadText != null && payloadText.contains("/")) {
            jobPayloads.add(new String[] { payloadText, who });
        }
    }

    /** Who needs the file (already normalised), or null when nothing does. */
    String referrer(String file) {
        String r = firstReferrer.get(file);
        if (r != null) {
            return r;
        }
        String name = Path.of(file).getFileName().toString();
        for (String[] p : jobPrefixes) {
            if (name.startsWith(p[0])) {
                return p[1];
            }
        }
        for (String[] p : jobPayloads) {
            if (p[0].contains(file)) {
                return p[1];
            }
        }
        return null;
    }

    ChainUse chainUse(String file) {
        return chainUse.get(file);
    }

    String snapshotOf(String file) {
        return snapshotOf.get(file);
    }

    String templateOf(String file) {
        return templateOf.get(file);
    }

    String ownerOf(String domain) {
        return domain == null ? null : ownerOfDomain.get(domain);
    }

    /** The domain whose chains or snapshots name the file, if any (for an orphan's owner). */
    String domainOf(String file) {
        ChainUse u = chainUse.get(file);
        if (u != null) {
            return u.domain();
        }
        String s = snapshotOf.get(file);
        return s == null ? null : s.substring(s.lastIndexOf(" of ") + 4);
    }
}
