package io.strata.web;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.qute.RawString;
import io.strata.vm.VmView;
import io.strata.web.i18n.CurrentLanguage;

/**
 * The VM list's rows as HTML ({@code VmPages/row.html}, escaped by Qute like any page), rendered
 * once per row and language and kept: a page of a hundred rows rendered its ~1,500 expressions on
 * every request, about half of its time (issue 13). The template's only data is {@link Shown},
 * which is also the key: a row shows exactly what it is kept by, so a changed VM is a new key, and
 * a sync that only re-stamps its rows is not. A row shows nothing that depends on who reads it.
 * Its one cell that moves with time, "synced … ago", is not in it.
 */
@ApplicationScoped
public class VmListRows {

    /** Rows kept at most (a thousand VMs in two languages is 2,000); beyond it the kept ones are dropped and rebuilt as asked. */
    static final int MAX_KEPT = 20_000;

    /** What a row shows, and all it shows. */
    public record Shown(String host, String name, boolean template, String state, Long activeJobId, int vcpus,
            long memoryMiB, String owner, long snapshotCount, String health, int diskCount) {

        static Shown of(VmView v) {
            return new Shown(v.host(), v.name(), v.template(), v.state(), v.activeJobId(), v.vcpus(), v.memoryMiB(),
                    v.owner(), v.snapshotCount(), v.health(), v.disks().size());
        }
    }

    private record Key(Shown row, String language) {
    }

    private final ConcurrentHashMap<Key, RawString> kept = new ConcurrentHashMap<>();

    @Inject
    CurrentLanguage language;

    /** The row's cells, all but the last ({@code syncedAt}), in the reader's language. */
    public RawString cells(VmView vm) {
        Shown shown = Shown.of(vm);
        Key key = new Key(shown, language.getTag());
        RawString html = kept.get(key);
        if (html == null) {
            html = new RawString(VmPages.Templates.row(shown).render());
            if (kept.size() >= MAX_KEPT) {
                kept.clear(); // rows of VMs since changed are never asked for again
            }
            kept.put(key, html);
        }
        return html;
    }
}
