package io.strata.vm;

import java.util.Collection;
import java.util.Map;

/**
 * Where a VM's snapshot health comes from (the hygiene feature, which sits above this package and
 * implements it): "host/vm" → ok, warn or critical, the worst of the VM's snapshots'.
 */
public interface VmHealthSource {
    Map<String, String> healthOf(Collection<Vm> vms);
}
