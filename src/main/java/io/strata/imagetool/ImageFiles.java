package io.strata.imagetool;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Image files as files: names beside a disk, creating without ever replacing, renaming, modes,
 * sizes, copies and removal. Nothing here reads an image's contents.
 */
@ApplicationScoped
public class ImageFiles {

    @Inject
    ProcessRunner processes;

    /** Where image files live; Strata creates and removes files only below these (real paths). */
    @ConfigProperty(name = "strata.storage.dirs", defaultValue = DEFAULT_STORAGE)
    List<String> storageDirs;

    static final String DEFAULT_STORAGE = "/var/lib/libvirt/images";

    /**
     * The file's real path: symlinks and {@code ..} resolved, so that two names of one file compare
     * equal. A file that does not exist (yet) gets its directory's real path and its own name.
     */
    public static String realPath(String file) {
        Path p = Path.of(file).toAbsolutePath().normalize();
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            try {
                return p.getParent().toRealPath().resolve(p.getFileName()).toString();
            } catch (IOException | RuntimeException again) {
                return p.toString();
            }
        }
    }

    /** Whether the file (its real path) lies below one of the storage directories. */
    public boolean inStorage(String file) {
        Path real = Path.of(realPath(file));
        for (String dir : storageDirs == null ? List.of(DEFAULT_STORAGE) : storageDirs) {
            if (real.startsWith(Path.of(realPath(dir)))) {
                return true;
            }
        }
        return false;
    }

    private void requireInStorage(String file, String doing) {
        if (!inStorage(file)) {
            throw new ImageToolException(file + " is outside the storage directories ("
                    + String.join(", ", storageDirs == null ? List.of(DEFAULT_STORAGE) : storageDirs)
                    + "); Strata does not " + doing + " files there");
        }
    }

    /** {@code /dir/disk.qcow2} → {@code /dir/disk.<suffix>}: libvirt's own naming, beside the file. */
    public static String sibling(String file, String suffix) {
        Path p = Path.of(file);
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return p.resolveSibling(stem + "." + suffix).toString();
    }

    /**
     * Whether the file was written at or after {@code start}: Java 17 reads no birth time on Linux,
     * so this is how a job tells the files it made. The kernel stamps files with a coarse clock
     * (50 ms of slack); a file system with whole-second stamps gets a second.
     */
    public static boolean writtenSince(String file, java.time.Instant start) {
        try {
            java.time.Instant written = Files.getLastModifiedTime(Path.of(file)).toInstant();
            return !written.isBefore(written.getNano() == 0 ? start.minusSeconds(1) : start.minusMillis(50));
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    public boolean exists(String file) {
        return Files.exists(Path.of(file));
    }

    /** Whether two names are links of one file (a rename by link + unlink cut short leaves both). */
    public boolean sameFile(String a, String b) {
        try {
            return Files.isSameFile(Path.of(a), Path.of(b));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The file's length, or -1 when it is not there. A qcow2 overlay grows cluster by cluster as
     * data lands in it, so its length is what it holds (qemu-img's allocated size costs a process).
     */
    public long fileBytes(String file) {
        try {
            return Files.size(Path.of(file));
        } catch (IOException e) {
            return -1;
        }
    }

    /** Creates the file exclusively: fails when it exists, so nothing is ever overwritten. */
    public void claim(String file) {
        requireInStorage(file, "create");
        try {
            Files.createFile(Path.of(file));
        } catch (FileAlreadyExistsException e) {
            throw new ImageToolException("file " + file + " already exists; Strata does not overwrite files");
        } catch (IOException e) {
            throw new ImageToolException("cannot create " + file + ": " + e.getMessage());
        }
    }

    /**
     * A copy-on-write copy (reflink) where the filesystem can do it; false (and nothing left
     * behind) where it cannot, so the caller falls back to a full copy.
     */
    public boolean reflinkCopy(String source, String target) {
        claim(target);
        ProcessRunner.Result r = processes.exec(List.of("cp", "--reflink=always", "--", source, target),
                ProcessRunner.TIMEOUT_SECONDS);
        if (r.exit() != 0) {
            removeQuietly(target);
            return false;
        }
        return true;
    }

    /**
     * Renames within a filesystem, never over an existing file. rename(2) (Files.move, even with
     * ATOMIC_MOVE) silently replaces its target; link(2) fails when the target exists, so the new
     * name is made with a hard link and the old one removed afterwards.
     */
    public void move(String from, String to) {
        try {
            Files.createLink(Path.of(to), Path.of(from));
            Files.delete(Path.of(from));
        } catch (FileAlreadyExistsException e) {
            throw new ImageToolException("file " + to + " already exists; Strata does not overwrite files");
        } catch (IOException e) {
            throw new ImageToolException("cannot rename " + from + " to " + to + ": " + e.getMessage());
        }
    }

    /** Read-only for everyone (0444): a sealed template's image. */
    public void makeReadOnly(String file) {
        chmod(file, "r--r--r--");
    }

    /** Back to 0644, so a template's images can be removed or reused. */
    public void makeWritable(String file) {
        chmod(file, "rw-r--r--");
    }

    private static void chmod(String file, String perms) {
        try {
            Files.setPosixFilePermissions(Path.of(file), PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new ImageToolException("cannot change the mode of " + file + ": " + e.getMessage());
        }
    }

    /** Deletes an image file Strata made; the caller has proven nothing references it. */
    public void remove(String file) {
        requireInStorage(file, "remove");
        try {
            Files.deleteIfExists(Path.of(file));
        } catch (IOException e) {
            throw new ImageToolException("cannot remove " + file + ": " + e.getMessage());
        }
    }

    public void removeQuietly(String file) {
        if (!inStorage(file)) {
            return; // never outside the storage directories, even when cleaning up after a failure
        }
        try {
            Files.deleteIfExists(Path.of(file));
        } catch (IOException e) {
            // best effort: the caller is already reporting a failure
        }
    }

    /**
     * What tells whether a file changed since it was read: inode, size and modification time (a
     * resize, a rewrite or a replacement changes one of them); null when it cannot be read.
     */
    static List<Object> stamp(String file) {
        try {
            var a = Files.readAttributes(Path.of(file), java.nio.file.attribute.BasicFileAttributes.class);
            return List.of(String.valueOf(a.fileKey()), a.size(), a.lastModifiedTime().toInstant());
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }
}
