package io.happypath.identity.config;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.happypath.identity.domain.IdentifierExtractor;
import io.happypath.identity.domain.PhoneNumbers;
import io.happypath.identity.domain.Resolver;

/** The plain-Java domain objects, built once from configuration. A bad rule or phone region fails the start. */
@Singleton
public class DomainBeans {

    @Produces
    @Singleton
    IdentifierExtractor extractor(IdentityConfig config) {
        PhoneNumbers phones = config.phone().defaultRegion().map(PhoneNumbers::new).orElseGet(PhoneNumbers::new);
        return new IdentifierExtractor(config.rules().toRules(), phones);
    }

    @Produces
    @Singleton
    Resolver resolver(IdentityConfig config) {
        return new Resolver(config.rules().toRules());
    }
}
