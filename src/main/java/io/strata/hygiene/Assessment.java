package io.strata.hygiene;

import java.time.Instant;
import java.util.List;

/** The outcome for one snapshot: its level, why (one phrase per rule broken), and when its lease ends. */
public record Assessment(Health health, List<String> reasons, Instant leaseUntil, boolean leaseExpired) {
}
