package io.strata.web.i18n;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.qute.i18n.Localized;

/**
 * Words that repeat on every row of a long table (a VM's state, a health), in the reader's
 * language. Each is a message template ({@code msg:vm_state}); rendered per row, a page of a
 * hundred VMs rendered two hundred of them, half the page's time (issue 13). A word is asked of its
 * bundle once per language and value, and kept: the bundles are fixed at build time.
 */
@ApplicationScoped
public class RowWords {

    /** Words kept at most, all kinds and languages together (libvirt's states and the healths are a handful). */
    private static final int MAX_KEPT = 1000;

    @Inject
    Msg english;
    @Inject
    @Localized("zh-TW")
    Msg chinese;
    @Inject
    CurrentLanguage language;

    private final Map<String, String> kept = new ConcurrentHashMap<>();

    /** Each given VM state ({@code running}, {@code shut off} …) with its label: what {@code msg:vm_state} says. */
    public Map<String, String> vmStates(Collection<String> states) {
        return words("state", states, Msg::vm_state);
    }

    /** Each given health ({@code ok}, {@code warn}, {@code critical}) with its name: what {@code msg:health_name} says. */
    public Map<String, String> healthNames(Collection<String> healths) {
        return words("health", healths, Msg::health_name);
    }

    private Map<String, String> words(String kind, Collection<String> values, BiFunction<Msg, String, String> word) {
        boolean zh = language.isChinese();
        Msg bundle = zh ? chinese : english;
        Map<String, String> out = new HashMap<>();
        for (String v : values.stream().filter(Objects::nonNull).distinct().toList()) {
            String key = (zh ? "zh\u0000" : "en\u0000") + kind + "\u0000" + v;
            String w = kept.get(key);
            if (w == null) {
                w = word.apply(bundle, v);
                if (kept.size() < MAX_KEPT) {
                    kept.put(key, w);
                }
            }
            out.put(v, w);
        }
        return out;
    }
}
