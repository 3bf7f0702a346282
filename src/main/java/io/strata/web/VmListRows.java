package io.strata.web;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.qute.RawString;
import io.strata.vm.VmView;
import io.strata.web.i18n.CurrentLanguage;

/**
 * The VM list's rows as HTML ({@code VmPages/row.html}, escaped by Qute like any page), rendered
 * once per VM view and language and kept: a page of a hundred rows rendered its ~1,500
 * expressions on every request, about half of its time (issue 13). A row is keyed by everything it
 * shows (the whole view, a record, and the language), so a changed VM is a new key; it shows
 * nothing that depends on who reads it. Its one cell that moves with time, "synced … ago", is
 * not in it.
 */
@ApplicationScoped
public class VmListRows {

    /** Rows kept at most (a thousand VMs in two languages is 2,000); beyond it the kept ones are dropped and rebuilt as asked. */
    static final int MAX_KEPT = 20_000;

    private record Key(VmView vm, String language) {
    }

    private final ConcurrentHashMap<Key, RawString> kept = new ConcurrentHashMap<>();

    @Inject
    CurrentLanguage language;

    /** The row's cells, all but the last ({@code syncedAt}), in the reader's language. */
    public RawString cells(VmView vm) {
        Key key = new Key(vm, language.getTag());
        RawString html = kept.get(key);
        if (html == null) {
            html = new RawString(VmPages.Templates.row(vm).render());
            if (kept.size() >= MAX_KEPT) {
                kept.clear(); // old views (before a sync) are never asked for again
            }
            kept.put(key, html);
        }
        return html;
    }
}
