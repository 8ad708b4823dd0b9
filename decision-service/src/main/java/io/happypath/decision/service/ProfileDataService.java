package io.happypath.decision.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.happypath.contracts.identity.ProfileErased;
import io.happypath.contracts.identity.ProfileMerged;
import io.happypath.decision.cache.ContactHistory;
import io.happypath.decision.cache.DecisionRecords;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * What this service keeps per profile follows identity-service's lifecycle events: an erased profile's contact
 * history and decision records are deleted; a merged profile's contact history is folded into the survivor (windows
 * united, so frequency caps and pauses carry over) and its decision records are filed under the survivor. Both are
 * idempotent, so a redelivered event is harmless. The adaptive models keep their counts: they are aggregates over
 * all customers and hold no profile id.
 */
@ApplicationScoped
public class ProfileDataService {

    private static final Logger LOG = Logger.getLogger(ProfileDataService.class);

    private final ContactHistory contacts;
    private final DecisionRecords records;
    private final MeterRegistry meters;

    public ProfileDataService(ContactHistory contacts, DecisionRecords records, MeterRegistry meters) {
        this.contacts = contacts;
        this.records = records;
        this.meters = meters;
    }

    public Uni<Void> erase(ProfileErased erased) {
        String id = erased.profileId();
        return contacts.erase(id).chain(keys -> records.erase(id).invoke(decisions -> {
            LOG.debugf("erased profile %s: %d history keys, %d decision records", id, keys, decisions);
            meters.counter("happypath.decision.erasures").increment();
        })).replaceWithVoid();
    }

    public Uni<Void> merge(ProfileMerged merged) {
        String survivor = merged.profileId();
        return Multi.createFrom().iterable(merged.mergedProfileIds())
                .filter(from -> !from.equals(survivor))
                .onItem().transformToUniAndConcatenate(from -> contacts.fold(from, survivor)
                        .chain(() -> records.fold(from, survivor)))
                .collect().last()
                .invoke(() -> meters.counter("happypath.decision.merges").increment())
                .replaceWithVoid();
    }
}
