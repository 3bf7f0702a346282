package io.strata.auth;

import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;

/** A Strata account; the password is stored as a bcrypt hash (Modular Crypt Format). */
@Entity
@Table(name = "app_user")
public class AppUser extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String username;

    @Column(name = "password_hash")
    public String passwordHash;

    /** Comma separated. */
    public String roles;

    /** Quota for `user` accounts: most VMs they may own; null means no limit. */
    @Column(name = "max_vms")
    public Integer maxVms;

    /** Quota for `user` accounts: most GiB of virtual disk over the VMs they own; null means no limit. */
    @Column(name = "max_disk_gib")
    public Integer maxDiskGib;

    /** Raised to end every session of the account (logout, password or role change, disable). */
    @Column(name = "session_epoch")
    public int sessionEpoch;

    /** A disabled account cannot log in, and its sessions and Basic credentials stop working. */
    public boolean disabled;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<AppUser> findByUsername(String username) {
        return find("username", username).firstResultOptional();
    }

    public static AppUser create(String username, String password, Set<String> roles) {
        AppUser u = new AppUser();
        u.username = username;
        u.passwordHash = BcryptUtil.bcryptHash(password);
        u.roles = String.join(",", new TreeSet<>(roles));
        u.persist();
        return u;
    }

    public Set<String> roleSet() {
        return new TreeSet<>(Arrays.asList(roles.split(",")));
    }
}
